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
reaches the web processes within MAX_AGE; the worker calls refresh() at each tick."""

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
_rows: dict[str, str] | None = None
_loaded_at = 0.0
_parsed: dict[str, Any] = {}


def declare(key: str, label, default: str, parse: Callable[[str], Any],
            on_change: Callable[[], object] | None = None) -> Spec:
    """A policy an app reads: `parse` raises PolicyError for a value it refuses."""
    spec = Spec(key, label, str(default), parse, on_change)
    _declared[key] = spec
    return spec


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
    global _rows
    _rows = None
    _parsed.clear()


def _stored() -> dict[str, str]:
    global _rows, _loaded_at
    if _rows is None or time.monotonic() - _loaded_at > MAX_AGE:
        _parsed.clear()
        _rows = dict(Policy.objects.values_list("key", "value"))
        _loaded_at = time.monotonic()
    return _rows


def get(spec: Spec) -> Any:
    """The policy's value in use (parsed), read at most once per MAX_AGE in this process."""
    rows = _stored()
    if spec.key not in _parsed:
        raw = rows.get(spec.key, spec.default)
        try:
            _parsed[spec.key] = spec.parse(raw)
        except PolicyError as exc:
            raise PolicyError(_("The stored value of policy {key} is refused: {reason} Set it again with "
                                "`sampark policy --set`.").format(key=spec.key, reason=exc)) from None
    return _parsed[spec.key]


def declared() -> list[Spec]:
    """Every app's policies (their `policies.py` modules are imported first)."""
    autodiscover_modules("policies")
    return sorted(_declared.values(), key=lambda s: s.key)


def listing() -> list[tuple[Spec, str]]:
    """(policy, its stored value, or its default when it has no row), by key."""
    stored = dict(Policy.objects.values_list("key", "value"))
    return [(spec, stored.get(spec.key, spec.default)) for spec in declared()]


@transaction.atomic
def set_policy(actor, key: str, raw: str) -> Any:
    """Check and store a new value (audited); returns the parsed value. Refused values raise
    PolicyError and change nothing."""
    spec = next((s for s in declared() if s.key == key), None)
    if spec is None:
        raise PolicyError(_("There is no policy {key}. Known policies: {keys}.").format(
            key=key, keys=", ".join(s.key for s in declared())))
    raw = str(raw).strip()
    try:
        spec.parse(raw)
    except PolicyError as exc:
        raise PolicyError(_("Policy {key} not changed: {reason}").format(key=key, reason=exc)) from None
    row = Policy.objects.select_for_update().filter(key=key).first()
    before = row.value if row is not None else None
    if row is None:
        row = Policy.objects.create(key=key, value=raw)
    elif row.value != raw:
        row.value = raw
        row.save(update_fields=["value", "updated_at"])
    refresh()
    if before != raw:
        audit.record(actor, "policy.set", row, before={"value": before}, after={"value": raw})
        if spec.on_change is not None:
            spec.on_change()
    return get(spec)
