"""Smart-dispatch suggestions next to the dispatch form and the link to the appeal's supervision page."""

from django.urls import reverse

from yingshang.org import roles as r

LINK = 'href="/supervision/item/?target=appeals.appeal:{pk}"'


def test_office_sees_dispatch_suggestions_beside_the_dispatch_form(login, walk, office_user, liaison):
    appeal = walk("submitted")
    page = login(office_user).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert 'name="main_department"' in page and 'id="routing-suggestions"' in page
    assert "智能派单建议" in page
    dispatched = walk("dispatched")
    office_page = login(office_user).get(reverse("appeals:detail", args=[dispatched.pk])).content.decode()
    assert "routing-suggestions" not in office_page  # nothing to dispatch any more
    dept_page = login(liaison).get(reverse("appeals:detail", args=[dispatched.pk])).content.decode()
    assert "routing-suggestions" not in dept_page


def test_supervision_link_for_roles_that_may_open_it(login, walk, office_user, liaison, make_user, ent_user):
    appeal = walk("signed", credit_code=ent_user.enterprise.credit_code)
    link = LINK.format(pk=appeal.pk)
    assert reverse("supervision:item") == "/supervision/item/"
    for user in (office_user, liaison, make_user(r.INSPECTOR), make_user(r.LEADER)):
        client = login(user)
        page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
        assert link in page and "督查督办" in page, user.role_codes
        target = client.get(f"{reverse('supervision:item')}?target=appeals.appeal:{appeal.pk}")
        assert target.status_code == 200, user.role_codes
    page = login(ent_user).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "督查督办" not in page and "supervision/item" not in page
