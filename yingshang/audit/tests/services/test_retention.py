import pytest

from yingshang.core.errors import ValidationFailed
from yingshang.core.office_settings import get_setting, office_setting_change


def test_retention_defaults_to_180_days_and_cannot_go_below(office_user):
    assert get_setting("audit_retention_days") == 180
    with pytest.raises(ValidationFailed, match="不能小于 180"):
        office_setting_change(actor=office_user, key="audit_retention_days", raw_value="179")
    assert get_setting("audit_retention_days") == 180
    office_setting_change(actor=office_user, key="audit_retention_days", raw_value="365")
    assert get_setting("audit_retention_days") == 365
