"""Panels on a unit's dashboard drawn by apps the dashboard may not import (events above reports).

An app registers ``fn(unit, person, now) -> (template name, context) | None`` from its
``AppConfig.ready``; the dashboard renders each panel that answers, in the order registered, with
the context as ``panel``. A panel shows only what the person may see (the app's own visible_to)."""

from collections.abc import Callable

_PANELS: dict[str, Callable] = {}


def register_panel(name: str, fn: Callable) -> None:
    _PANELS[name] = fn


def panels_for(unit, person, now) -> list[tuple[str, dict]]:
    out = []
    for fn in _PANELS.values():
        drawn = fn(unit, person, now)
        if drawn:
            out.append(drawn)
    return out
