"""Office settings: values the office tunes (thresholds, time limits, weights), stored with an effective
date and read "as in force at time T". Apps declare theirs in an `office_settings.py` module with `define`."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .actors import Actor, account_of
from .errors import ValidationFailed

if TYPE_CHECKING:
    from .models import OfficeSetting

KINDS = {"int", "decimal", "bool", "str", "choice", "json", "time"}


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    label: str
    default: Any
    kind: str
    group: str
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[str, str], ...] = ()

    def coerce(self, raw: Any) -> Any:
        """Turn a form value into the stored value, or raise ValidationFailed naming the setting."""
        try:
            if self.kind == "int":
                value: Any = int(str(raw).strip())
            elif self.kind == "decimal":
                value = float(str(raw).strip())
            elif self.kind == "bool":
                value = raw in (True, "1", "true", "on", "yes", "是")
            elif self.kind == "choice":
                value = str(raw)
                if value not in {c for c, _ in self.choices}:
                    raise ValueError
            elif self.kind == "time":
                value = datetime.strptime(str(raw).strip(), "%H:%M").strftime("%H:%M")
            elif self.kind == "json":
                import json

                value = json.loads(raw) if isinstance(raw, str) else raw
            else:
                value = str(raw)
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(
                f"“{self.label}”的取值无效。", code="core.setting_invalid", fields={self.key: ["取值无效。"]}
            ) from exc
        if self.kind in {"int", "decimal"}:
            if self.minimum is not None and value < self.minimum:
                raise ValidationFailed(
                    f"“{self.label}”不能小于 {self.minimum:g}。",
                    code="core.setting_too_small",
                    fields={self.key: ["取值过小。"]},
                )
            if self.maximum is not None and value > self.maximum:
                raise ValidationFailed(
                    f"“{self.label}”不能大于 {self.maximum:g}。",
                    code="core.setting_too_large",
                    fields={self.key: ["取值过大。"]},
                )
        return value


REGISTRY: dict[str, SettingDefinition] = {}


def define(
    key: str,
    label: str,
    default: Any,
    *,
    kind: str,
    group: str,
    help: str = "",
    minimum: float | None = None,
    maximum: float | None = None,
    choices: tuple[tuple[str, str], ...] = (),
) -> SettingDefinition:
    if kind not in KINDS:
        raise ValueError(kind)
    definition = SettingDefinition(key, label, default, kind, group, help, minimum, maximum, choices)
    REGISTRY[key] = definition
    return definition


# Within one request every setting is read from one query: the rows are loaded on first use and kept
# until the request ends (RequestCacheMiddleware). Outside requests (jobs, commands) nothing is cached.
_request_rows: ContextVar[dict[str, list[tuple[datetime, Any]]] | None] = ContextVar(
    "office_setting_rows", default=None
)


def _rows_for(key: str, at: datetime) -> Any:
    from .models import OfficeSetting

    cache = _request_rows.get()
    if cache is None:
        return (
            OfficeSetting.objects.filter(key=key, effective_from__lte=at)
            .order_by("-effective_from")
            .values_list("value", flat=True)
            .first()
        )
    if not cache:
        cache["__loaded__"] = []
        for row_key, effective_from, value in OfficeSetting.objects.order_by(
            "key", "-effective_from"
        ).values_list("key", "effective_from", "value"):
            cache.setdefault(row_key, []).append((effective_from, value))
    return next((value for effective_from, value in cache.get(key, []) if effective_from <= at), None)


def begin_request_cache() -> Any:
    return _request_rows.set({})


def end_request_cache(token: Any) -> None:
    _request_rows.reset(token)


def get_setting(key: str, at: datetime | None = None) -> Any:
    """The value in force at `at` (now by default); the declared default when the office never set it."""
    definition = REGISTRY[key]
    row = _rows_for(key, at or timezone.now())
    return definition.default if row is None else row


def settings_in_force(at: datetime | None = None, keys: list[str] | None = None) -> dict[str, Any]:
    return {key: get_setting(key, at) for key in (keys or sorted(REGISTRY))}


def setting_history(limit: int = 30) -> list[OfficeSetting]:
    """The latest changes, newest first, for the settings page."""
    from .models import OfficeSetting

    return list(OfficeSetting.objects.select_related("created_by").order_by("-effective_from")[:limit])


@transaction.atomic
def office_setting_change(
    *, actor: Actor, key: str, raw_value: Any, effective_from: datetime | None = None, note: str = ""
):
    """Record a new value for `key` from `effective_from` (now by default), audited with before and after."""
    from yingshang.audit.events import record as audit_record

    from .models import OfficeSetting

    if key not in REGISTRY:
        raise ValidationFailed(
            "未知的设置项。", code="core.setting_unknown", fields={"key": ["未知的设置项。"]}
        )
    definition = REGISTRY[key]
    value = definition.coerce(raw_value)
    when = effective_from or timezone.now()
    before = get_setting(key, when)
    row = OfficeSetting(key=key, value=value, effective_from=when, note=note, created_by=account_of(actor))
    try:
        row.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(
            "该生效时间已有一条设置，请换一个时间。", code="core.setting_time_taken"
        ) from exc
    row.save()
    cache = _request_rows.get()
    if cache is not None:
        cache.clear()
    audit_record(
        actor=actor,
        action="office_setting.change",
        obj=row,
        before={key: before},
        after={key: value},
        detail=note,
    )
    return row


define(
    "upload_max_mb",
    "上传文件大小上限（MB）",
    20,
    kind="int",
    group="通用",
    minimum=1,
    maximum=200,
    help="证明材料、诉求附件、照片等单个文件的大小上限。",
)
