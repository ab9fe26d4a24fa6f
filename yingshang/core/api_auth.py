import hashlib

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenAuth(HttpBearer):
    """Bearer token of an integration, or the signed-in session of a page user (same permission policy)."""

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Authorization" not in request.headers:
            return user
        return super().__call__(request)

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
