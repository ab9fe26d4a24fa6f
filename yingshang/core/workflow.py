"""The state-machine engine every loop uses. Each app declares its own table in its `workflow.py`
(states, transitions, who, what each requires); `apply_transition` is the one place a state changes:
guard, compare-and-set on the version column, then the timeline and audit entries, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import F

from .errors import ConcurrentChange, PermissionRefused, TransitionRefused, ValidationFailed

Predicate = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    # Keys of the transition's input that must be present and non-empty, with their Chinese names.
    requires: Mapping[str, str] = field(default_factory=dict)
    # Name of an object-level predicate (user, obj) -> bool that must also hold, e.g. "is_lead_department".
    check: str | None = None


def transition(
    action: str,
    label: str,
    sources: Iterable[str],
    target: str,
    roles: Iterable[str],
    *,
    requires: Mapping[str, str] | None = None,
    check: str | None = None,
) -> Transition:
    return Transition(
        action, label, frozenset(sources), target, frozenset(roles), dict(requires or {}), check
    )


class Workflow:
    def __init__(self, name: str, states: Mapping[str, str], transitions: Iterable[Transition]):
        self.name = name
        self.states = dict(states)
        self.transitions = list(transitions)
        for t in self.transitions:
            unknown = (set(t.sources) | {t.target}) - set(self.states)
            if unknown:
                raise ValueError(f"{name}.{t.action}: unknown states {sorted(unknown)}")

    @property
    def actions(self) -> list[str]:
        return sorted({t.action for t in self.transitions})

    def label(self, state: str) -> str:
        return self.states.get(state, state)

    def find(self, state: str, action: str) -> Transition | None:
        for t in self.transitions:
            if t.action == action and state in t.sources:
                return t
        return None

    def resolve(
        self,
        *,
        state: str,
        action: str,
        user: Any,
        obj: Any = None,
        data: Mapping[str, Any] | None = None,
        predicates: Mapping[str, Predicate] | None = None,
    ) -> Transition:
        """The transition `user` may make on `obj` now, or a refusal saying why."""
        t = self.find(state, action)
        if t is None:
            known = any(tr.action == action for tr in self.transitions)
            if not known:
                raise TransitionRefused(f"未知的操作：{action}。", code="core.unknown_action")
            raise TransitionRefused(
                f"事项当前为“{self.label(state)}”，不能执行“{self._action_label(action)}”。"
            )
        if not (t.roles & user_roles(user)):
            raise PermissionRefused(f"您的角色不能执行“{t.label}”。")
        if t.check:
            predicate = (predicates or {}).get(t.check)
            if predicate is None:
                raise LookupError(f"{self.name}: predicate {t.check!r} not supplied")
            if not predicate(user, obj):
                raise PermissionRefused(f"您不能对该事项执行“{t.label}”。")
        missing = {k: [f"请填写{v}。"] for k, v in t.requires.items() if not _present((data or {}).get(k))}
        if missing:
            names = "、".join(t.requires[k] for k in missing)
            raise ValidationFailed(
                f"“{t.label}”需要填写：{names}。", code="core.transition_fields_missing", fields=missing
            )
        return t

    def available(
        self, obj: Any, user: Any, predicates: Mapping[str, Predicate] | None = None
    ) -> list[Transition]:
        """Transitions `user` could start on `obj` (inputs not yet checked): drives the action buttons."""
        roles = user_roles(user)
        out = []
        for t in self.transitions:
            if obj.state in t.sources and t.roles & roles:
                if t.check and not (predicates or {})[t.check](user, obj):
                    continue
                out.append(t)
        return out

    def _action_label(self, action: str) -> str:
        return next((t.label for t in self.transitions if t.action == action), action)


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | dict):
        return bool(value)
    return True


def user_roles(user: Any) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset({"anonymous"})
    roles = getattr(user, "role_codes", None)
    return frozenset(roles) if roles is not None else frozenset()


@transaction.atomic
def apply_transition(
    obj: models.Model,
    *,
    workflow: Workflow,
    user: Any,
    action: str,
    data: Mapping[str, Any] | None = None,
    predicates: Mapping[str, Predicate] | None = None,
    seen_version: int | None = None,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
) -> Transition:
    """Apply `action` to `obj`: refused (nothing changed) or done with timeline and audit entries.

    `seen_version` is the version the user was looking at; when given, a change made by someone else in
    between makes this one fail instead of silently overwriting it."""
    from yingshang.audit.events import record as audit_record

    from .crashpoints import maybe_crash
    from .events import record_timeline

    current_state = obj.state  # type: ignore[attr-defined]
    t = workflow.resolve(
        state=current_state, action=action, user=user, obj=obj, data=data, predicates=predicates
    )
    version = obj.version if seen_version is None else seen_version  # type: ignore[attr-defined]
    updates = dict(changes or {})
    updated = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, version=version, state=current_state)
        .update(state=t.target, version=F("version") + 1, **updates)
    )
    if updated != 1:
        raise ConcurrentChange()
    obj.state = t.target  # type: ignore[attr-defined]
    obj.version = version + 1  # type: ignore[attr-defined]
    for key, value in updates.items():
        if not hasattr(value, "resolve_expression"):
            setattr(obj, key, value)
    record_timeline(
        obj,
        actor=user,
        action=action,
        label=t.label,
        from_state=current_state,
        to_state=t.target,
        note=note,
        data=_jsonable(data),
    )
    maybe_crash(f"workflow.{workflow.name}.{action}")  # crash proof: state + timeline written, not audit
    audit_record(
        actor=user,
        action=f"{workflow.name}.{action}",
        obj=obj,
        before={"state": current_state},
        after={"state": t.target, **{k: v for k, v in _jsonable(updates).items()}},
        detail=note,
    )
    return t


def _jsonable(data: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if hasattr(value, "resolve_expression"):
            continue
        if isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
        elif isinstance(value, list | tuple):
            out[key] = [v if isinstance(v, str | int | float | bool) else str(v) for v in value]
        elif isinstance(value, models.Model):
            out[key] = value.pk
        else:
            out[key] = str(value)
    return out
