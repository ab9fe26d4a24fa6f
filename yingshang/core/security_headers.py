"""Content-Security-Policy on every response (settings.CONTENT_SECURITY_POLICY). Django 5.2 has no CSP of
its own; HSTS and the other headers come from django.middleware.security.SecurityMiddleware."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
