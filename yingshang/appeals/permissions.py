"""Who may see and do what with appeals, in one place (views, API, exports and jobs use these)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404

from yingshang.core.uploads import register_attachment_access
from yingshang.core.workflow import Predicate
from yingshang.org import roles as r
from yingshang.org.scope import department_ids

from .models import Appeal, Dispatch, ExtensionRequest, Reply
from .workflow import DISPATCH_WORKFLOW


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_office(user: Any) -> bool:
    return _authenticated(user) and user.has_role(r.OFFICE)


def is_main_department(user: Any, appeal: Appeal) -> bool:
    ids = department_ids(user)
    return appeal.main_department_id is not None and ids is not None and appeal.main_department_id in ids


def is_owner(user: Any, appeal: Appeal) -> bool:
    return (
        _authenticated(user)
        and user.has_role(r.ENTERPRISE)
        and user.enterprise_id is not None
        and appeal.enterprise_id == user.enterprise_id
    )


def is_office_or_owner(user: Any, appeal: Appeal) -> bool:
    return is_office(user) or is_owner(user, appeal)


def is_current_co_department(user: Any, dispatch: Dispatch) -> bool:
    """`dispatch` is a co-handling part of the round in hand, given to one of `user`'s departments."""
    ids = department_ids(user)
    return (
        dispatch.role == Dispatch.Role.CO
        and dispatch.is_current
        and ids is not None
        and dispatch.department_id in ids
    )


def is_anonymous_submitter(user: Any, appeal: Appeal) -> bool:
    """The tracking page's rater (code and phone ending checked by `tracking`), for an appeal no enterprise
    account owns: an owned appeal is rated by its account."""
    return not _authenticated(user) and appeal.enterprise_id is None


def may_follow_up(user: Any, appeal: Appeal) -> bool:
    return is_office_or_owner(user, appeal) or is_anonymous_submitter(user, appeal)


PREDICATES: dict[str, Predicate] = {
    "is_main_department": is_main_department,
    "may_follow_up": may_follow_up,
    "is_current_co_department": is_current_co_department,
}


def can_view_appeal(user: Any, appeal: Appeal) -> bool:
    """Office and the read-only city-wide roles see all; a department what was dispatched to it in any
    round; an enterprise the appeals its own accounts submitted (never one that only names it); a source
    system's account what it pushed in."""
    if not _authenticated(user):
        return False
    ids = department_ids(user)
    if ids is None:
        return True
    if is_owner(user, appeal):
        return True
    if ids and appeal.dispatches.filter(department_id__in=ids).exists():
        return True
    system = getattr(user, "appeal_source_system", None)
    return system is not None and appeal.source_system_id == system.pk


def can_see_full_contact(user: Any, appeal: Appeal) -> bool:
    """Full phone number on the detail page: the office, the department handling the current round (it has
    to call the enterprise back) and the enterprise itself. Everyone else, every list, export and API
    answer gets the masked number."""
    return is_office(user) or is_main_department(user, appeal) or is_owner(user, appeal)


def can_request_extension(user: Any, appeal: Appeal, extensions: Iterable[ExtensionRequest]) -> bool:
    """The main department while handling, when no request of this round awaits the office. `extensions`:
    the appeal's requests (all rounds; a request left pending in an earlier round does not count)."""
    return (
        appeal.state == Appeal.State.SIGNED
        and is_main_department(user, appeal)
        and not any(
            e.state == ExtensionRequest.State.PENDING and e.dispatch.round == appeal.round for e in extensions
        )
    )


def can_decide_extension(user: Any, extension: ExtensionRequest, appeal: Appeal) -> bool:
    """The office, on a pending request of the round in hand (an earlier round's request lapsed with it)."""
    return (
        is_office(user)
        and extension.state == ExtensionRequest.State.PENDING
        and extension.dispatch.round == appeal.round
        and extension.dispatch.is_current
    )


def co_signable(user: Any, dispatches: Iterable[Dispatch]) -> list[Dispatch]:
    """The current co-handling parts of `dispatches` that `user`'s departments have yet to sign."""
    return [d for d in dispatches if DISPATCH_WORKFLOW.available(d, user, PREDICATES)]


def can_submit_appeal_api(user: Any) -> bool:
    return is_office(user) or getattr(user, "appeal_source_system", None) is not None


def can_import_appeals(user: Any) -> bool:
    return is_office(user)


def can_view_rates(user: Any) -> bool:
    return _authenticated(user) and bool(user.role_codes & (r.CITY_WIDE_ROLES | r.DEPARTMENT_ROLES))


def access_appeal(user: Any, pk: int) -> Appeal:
    """The appeal if `user` may see it; Http404 otherwise (a guessed id reveals nothing)."""
    appeal = (
        Appeal.objects.select_related(
            "main_department", "enterprise", "concerned_enterprise", "source_system", "duplicate_of"
        )
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not can_view_appeal(user, appeal):
        raise Http404
    return appeal


def _attachment_item_visible(user: Any, item: Any) -> bool:
    appeal = item.appeal if isinstance(item, Reply) else item
    return can_view_appeal(user, appeal)


register_attachment_access("appeals.appeal", _attachment_item_visible)
register_attachment_access("appeals.reply", _attachment_item_visible)
