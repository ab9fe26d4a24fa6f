"""Every (state, action, role) of the extension workflow (延期审批): allowed ones move the request, refused
ones change nothing."""

import pytest

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, ExtensionRequest
from yingshang.appeals.tests.conftest import ROLES
from yingshang.appeals.workflow import EXTENSION_WORKFLOW
from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ApplicationError, PermissionRefused, TransitionRefused
from yingshang.core.models import TimelineEntry

STATES = ["pending", "approved", "refused"]
ACTIONS = ["approve", "refuse"]

# Written out by hand from the design, not derived from the table under test.
ALLOWED = {
    ("pending", "approve", "office"): "approved",
    ("pending", "refuse", "office"): "refused",
}


def test_table_matches_the_design():
    table = {
        (s, t.action, role): t.target
        for t in EXTENSION_WORKFLOW.transitions
        for s in t.sources
        for role in t.roles
    }
    assert table == ALLOWED


def snapshot(extension):
    row = ExtensionRequest.objects.get(pk=extension.pk)
    appeal = Appeal.objects.get(pk=extension.appeal_id)
    return (
        row.state,
        row.version,
        row.decided_by_id,
        appeal.reply_deadline,
        TimelineEntry.objects.count(),
        AuditRecord.objects.count(),
    )


@pytest.mark.parametrize("state", STATES)
def test_every_action_and_role(state, walk, users_by_role, dept, liaison, office_user):
    def requested():
        appeal = walk("signed")
        extension = services.extension_request(actor=liaison, appeal=appeal, days=2, reason="需现场核查")
        if state != "pending":
            services.extension_decide(
                actor=office_user, extension=extension, approve=state == "approved", note="已审"
            )
        return ExtensionRequest.objects.select_related("appeal", "dispatch").get(pk=extension.pk)

    users = users_by_role(dept, liaison=liaison)
    shared = requested()
    for action in ACTIONS:
        for role in ROLES:
            key = (state, action, role)
            if key in ALLOWED:
                extension = requested()
                services.extension_decide(
                    actor=users[role], extension=extension, approve=action == "approve", note="同意"
                )
                assert ExtensionRequest.objects.get(pk=extension.pk).state == ALLOWED[key], key
            else:
                before = snapshot(shared)
                fresh = ExtensionRequest.objects.select_related("appeal", "dispatch").get(pk=shared.pk)
                with pytest.raises(ApplicationError) as info:
                    services.extension_decide(
                        actor=users[role], extension=fresh, approve=action == "approve", note="意见"
                    )
                assert isinstance(info.value, TransitionRefused | PermissionRefused), (key, info.value)
                assert snapshot(shared) == before, key
