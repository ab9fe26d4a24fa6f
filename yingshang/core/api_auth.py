import hashlib

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from yingshang.core.errors import ApplicationError


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CsrfRefused(ApplicationError):
    code = "csrf_failed"
    status = 403
    default_message = "请求来源校验未通过，请刷新页面后重试。"


class SignInIncomplete(ApplicationError):
    code = "sign_in_incomplete"
    status = 401
    default_message = "登录尚未完成（须验证动态口令或修改密码），请先在页面上完成登录。"


class TokenAuth(HttpBearer):
    """Bearer token of an integration: independent of any session the request may also carry."""

    def authenticate(self, request: HttpRequest, token: str):
        from yingshang.org.models import ApiToken

        row = (
            ApiToken.objects.select_related("user", "user__department")
            .filter(token_hash=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        # Written at most once a minute: a busy integration must not turn every request into a write.
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class SignedInSessionAuth(SessionAuth):
    """The session of a page user, admitted only in the state the pages would admit it (org.signin) and,
    like a form post, only with a valid CSRF token on unsafe methods."""

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: the answer is 401, whatever the CSRF token
        if check_csrf(request) is not None:
            raise CsrfRefused()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None):
        from yingshang.org.signin import SignInState, sign_in_state

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if sign_in_state(user) is not SignInState.COMPLETE:
            raise SignInIncomplete()
        return user
