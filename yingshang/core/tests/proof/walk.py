"""Walking the URL table: every URL name of the project, the arguments to reverse it with, and the
outcome class of one request."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .world import MISSING, World

IGNORED_NAMESPACES = {"admin"}  # Django's own admin, reached only by the superuser; see matrix.py


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, ns: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace in IGNORED_NAMESPACES:
                    continue
                walk(p, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name:
                names.add(ns + p.name)

    walk(get_resolver(), "")
    return names


def url_for(name: str, w: World) -> str:
    """Reverse `name` with arguments naming the world's records (or a missing id)."""
    task, appeal, document = w.objects["task"], w.objects["appeal"], w.objects["document"]
    by_prefix = {
        "ledger:": {"pk": task.pk},
        "appeals:": {"pk": appeal.pk},
    }
    special: dict[str, dict] = {
        "ledger:document": {"pk": document.pk},
        "ledger:task_create": {"pk": document.pk},
        "ledger:implementation_report": {"pk": document.pk},
        "org:department_edit": {"pk": w.departments["a"].pk},
        "org:import": {"kind": "department"},
        "org:import_commit": {"kind": "department"},
        "org:import_template": {"kind": "department"},
        "routing:activate": {"version": "v-missing"},
        "routing:hotspot": {"anchor": MISSING},
        "assessment:department": {"pk": MISSING, "department_id": w.departments["a"].pk},
        "assessment:bulletin_download": {"pk": MISSING, "fmt": "docx"},
        "api:task_detail": {"task_id": task.pk},
        "api:submit_report": {"task_id": task.pk},
        "api:status": {"appeal_id": appeal.pk},
    }
    dispatch = appeal.dispatches.order_by("pk").first()
    special["appeals:co_sign"] = {"pk": dispatch.pk if dispatch else MISSING}
    for other in (
        "appeals:extension_decide",
        "appeals:unreasonable",
        "ledger:report_head_decide",
        "ledger:extension_decide",
        "ledger:milestone_done",
        "ledger:filter_delete",
        "ledger:export_job",
        "ledger:export_download",
    ):
        special[other] = {"pk": MISSING}  # records of other kinds the world does not hold
    for acct in (
        "account_edit",
        "account_set_active",
        "account_reset_password",
        "account_unlock",
        "account_roles",
    ):
        special[f"org:{acct}"] = {"pk": w.users["liaison"].pk}
    for act in ("order_act", "instruction_act", "finding_act", "case_act"):
        special[f"supervision:{act}"] = {"pk": MISSING, "action": "accept"}
    if name in special:
        return reverse(name, kwargs=special[name])
    try:
        return reverse(name)
    except Exception:
        pass
    for prefix, kwargs in by_prefix.items():
        if name.startswith(prefix):
            try:
                return reverse(name, kwargs=kwargs)
            except Exception:
                break
    return reverse(name, kwargs={param: _filler(param) for param in url_params(name)})


def url_params(name: str) -> list[str]:
    ns, _, short = name.rpartition(":")
    resolver = get_resolver()
    for part in ns.split(":") if ns else []:
        resolver = resolver.namespace_dict[part][1]
    possibilities = resolver.reverse_dict.getlist(short)
    return list(possibilities[0][0][0][1]) if possibilities else []


def _filler(param: str) -> object:
    return {"kind": "department", "fmt": "docx", "version": "v-missing", "action": "accept"}.get(
        param, MISSING
    )


def client_for(role: str, w: World) -> Client:
    c = Client()
    if role == "anonymous":
        return c
    user = w.users[role]
    c.force_login(user)
    if user.has_role(*settings.OTP_REQUIRED_ROLES):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="proof", defaults={"confirmed": True})
        session = c.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return c


def outcome(response) -> str:
    """ok (2xx), login (redirect to the sign-in page), redirect (any other), or the 4xx code."""
    code = response.status_code
    if 200 <= code < 300:
        return "ok"
    if code in (301, 302, 303):
        return "login" if "/accounts/login/" in response["Location"] else "redirect"
    return str(code)
