from django.test import RequestFactory
from django.urls import reverse

from yingshang.core.views import error_500
from yingshang.org import roles as r


def test_404_in_the_layout(client, login, make_user):
    login(make_user(r.LIAISON))
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在，或您无权查看该记录。" in body and 'id="sidebar"' in body and "首页" in body


def test_403_in_the_layout(client, login, make_user):
    login(make_user(r.LIAISON))
    response = client.get(reverse("core:office_settings"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "您没有访问该页面的权限。" in body and 'id="sidebar"' in body


def test_500_in_the_layout(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/broken/")
    request.user = AnonymousUser()
    response = error_500(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in body and "vendor/bootstrap/css/bootstrap.min.css" in body


def test_anonymous_404_is_a_page_too(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code in (302, 404)
