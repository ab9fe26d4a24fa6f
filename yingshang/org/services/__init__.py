"""Every write to departments and accounts. One module per part: departments, accounts, tokens, resets
(passwords by one-time link), factor (TOTP), proposals and admin_changes (the two-person rule); common
holds what they share. Callers import from here."""

from .accounts import (
    MOBILE_RE,
    admin_account_bootstrap,
    check_role_combination,
    enterprise_create,
    generate_password,
    mobile_error,
    password_change,
    user_confirm_pending_roles,
    user_create,
    user_set_active,
    user_set_roles,
    user_unlock,
    user_update,
)
from .admin_changes import admin_change_decide
from .common import ACCOUNT_NOTICE
from .departments import department_create, department_set_in_assessment, department_update
from .factor import otp_device_confirm, otp_device_pending, user_reset_factor
from .proposals import PROPOSAL_LIFETIME
from .resets import (
    INVALID_LINK,
    RECENT_CONTACT_CHANGE,
    RESET_LINK_LIFETIME,
    account_open,
    password_reset_complete,
    usable_reset_link,
    user_reset_password,
)
from .tokens import api_token_create, api_token_revoke

__all__ = [
    "ACCOUNT_NOTICE",
    "INVALID_LINK",
    "MOBILE_RE",
    "PROPOSAL_LIFETIME",
    "RECENT_CONTACT_CHANGE",
    "RESET_LINK_LIFETIME",
    "account_open",
    "admin_account_bootstrap",
    "admin_change_decide",
    "api_token_create",
    "api_token_revoke",
    "check_role_combination",
    "department_create",
    "department_set_in_assessment",
    "department_update",
    "enterprise_create",
    "generate_password",
    "mobile_error",
    "otp_device_confirm",
    "otp_device_pending",
    "password_change",
    "password_reset_complete",
    "usable_reset_link",
    "user_confirm_pending_roles",
    "user_create",
    "user_reset_factor",
    "user_reset_password",
    "user_set_active",
    "user_set_roles",
    "user_unlock",
    "user_update",
]
