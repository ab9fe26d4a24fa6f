"""Receivers of the sign-in signals of Django and django-axes: each only calls the audit service (and, at
sign-in, stamps the session for the sign-in policy)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yingshang.audit.events import record as audit_record
from yingshang.org.signin import stamp_password_sign_in


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", obj=user)
    if request is not None:
        stamp_password_sign_in(request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(actor=None, action="auth.login_failed", username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=None,
        action="auth.locked_out",
        username=str(username or "")[:150],
        detail=f"连续登录失败，账号锁定。IP {ip_address}",
    )
