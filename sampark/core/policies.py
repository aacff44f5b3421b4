"""Organisation policies: values an administrator changes without a deploy (STYLE rule 8), such as
when a directive's reminder goes out. Settings hold what a deployment decides; these hold what the
organisation decides.

Each app declares the policies it reads in its own `policies.py` (a key, a translatable label, the
default, and a parser that validates and turns the stored text into the value used). The values
are rows of core.Policy, seeded with the defaults; a missing row means the default. They change
through set_policy() (`sampark policy --set key=value`), which checks the value, writes an audit
row and runs the policy's on_change step in the same transaction.

Reads go through get(): the first loads every row in one query and the parsed values stay in the
process for MAX_AGE seconds, so a page or an acknowledgement pays nothing for them. A change
reaches the web processes within MAX_AGE; the worker calls refresh() at each tick, and a writer
that must follow a change at once reads the row itself (get(..., fresh=True): the fold, per batch)."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.models import Policy

MAX_AGE = 60.0


class PolicyError(ValueError):
    """A value refused, or a key unknown; the message is for the administrator."""


@dataclass(frozen=True)
class Spec:
    key: str
    label: Any  # a lazy translation
    default: str
    parse: Callable[[str], Any]
    on_change: Callable[[], object] | None = None


_declared: dict[str, Spec] = {}
# Steps other modules attach to a policy (from their AppConfig.ready), run like Spec.on_change.
_on_change: dict[str, list[Callable[[], object]]] = {}


@dataclass
class _Snapshot:
    """The rows as read at one time, and the values parsed from them so far. A new read makes a
    new snapshot, so threads serving requests meanwhile each keep one consistent set."""

    rows: dict[str, str]
    read_at: float
    parsed: dict[str, Any]


_snapshot: _Snapshot | None = None


def declare(key: str, label, default: str, parse: Callable[[str], Any],
            on_change: Callable[[], object] | None = None) -> Spec:
    """A policy an app reads: `parse` raises PolicyError for a value it refuses."""
    spec = Spec(key, label, str(default), parse, on_change)
    _declared[key] = spec
    return spec


def when_changed(key: str, step: Callable[[], object]) -> None:
    """Run `step` in set_policy's transaction after `key` changed; for a module that reads the
    policy itself and so cannot be imported by the module declaring it."""
    steps = _on_change.setdefault(key, [])
    if step not in steps:
        steps.append(step)


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise PolicyError(_("“{value}” is not a whole number.").format(value=raw)) from None
        if value < minimum:
            raise PolicyError(_("The value must be at least {n}.").format(n=minimum))
        if maximum is not None and value > maximum:
            raise PolicyError(_("The value must be at most {n}.").format(n=maximum))
        return value

    return parse


def refresh() -> None:
    """Forget the values read: the next get() reads the table again."""
    global _snapshot
    _snapshot = None


def _current() -> _Snapshot:
    global _snapshot
    snap = _snapshot
    if snap is None or time.monotonic() - snap.read_at > MAX_AGE:
        snap = _snapshot = _Snapshot(dict(Policy.objects.values_list("key", "value")), time.monotonic(), {})
    return snap


def get(spec: Spec, *, fresh: bool = False) -> Any:
    """The policy's value in use (parsed), read at most once per MAX_AGE in this process; `fresh`
    reads the row now, for a writer whose work must follow a change at once (the fold)."""
    if fresh:
        stored = Policy.objects.filter(key=spec.key).values_list("value", flat=True).first()
        return _parse(spec, spec.default if stored is None else stored)
    snap = _current()
    if spec.key not in snap.parsed:
        snap.parsed[spec.key] = _parse(spec, snap.rows.get(spec.key, spec.default))
    return snap.parsed[spec.key]


def _parse(spec: Spec, raw: str) -> Any:
    try:
        return spec.parse(raw)
    except PolicyError as exc:
        raise PolicyError(_("The stored value of policy {key} is refused: {reason} Set it again with "
                            "`sampark policy --set`.").format(key=spec.key, reason=exc)) from None


def declared() -> list[Spec]:
    """Every app's policies (their `policies.py` modules are imported first)."""
    autodiscover_modules("policies")
    return sorted(_declared.values(), key=lambda s: s.key)


def listing() -> list[tuple[Spec, str]]:
    """(policy, its stored value, or its default when it has no row), by key."""
    stored = dict(Policy.objects.values_list("key", "value"))
    return [(spec, stored.get(spec.key, spec.default)) for spec in declared()]


def set_policy(actor, key: str, raw: str) -> Any:
    """Check and store a new value (audited); returns the parsed value. Refused values raise
    PolicyError and change nothing."""
    try:
        return _set_policy(actor, key, str(raw).strip())
    finally:
        refresh()  # values read inside the transaction are not kept if it was rolled back


@transaction.atomic
def _set_policy(actor, key: str, raw: str) -> Any:
    spec = next((s for s in declared() if s.key == key), None)
    if spec is None:
        raise PolicyError(_("There is no policy {key}. Known policies: {keys}.").format(
            key=key, keys=", ".join(s.key for s in declared())))
    try:
        value = spec.parse(raw)
    except PolicyError as exc:
        raise PolicyError(_("Policy {key} not changed: {reason}").format(key=key, reason=exc)) from None
    row = Policy.objects.select_for_update().filter(key=key).first()
    before = row.value if row is not None else None
    if before == raw:
        return value
    if row is None:
        row = Policy.objects.create(key=key, value=raw)
    else:
        row.value = raw
        row.save(update_fields=["value", "updated_at"])
    audit.record(actor, "policy.set", row, before={"value": before}, after={"value": raw})
    steps = ([spec.on_change] if spec.on_change else []) + _on_change.get(key, [])
    if steps:
        refresh()  # the steps read the new value
        for step in steps:
            step()
    return value
