"""Timed work. An app with timers registers its ``tick(now) -> dict`` from its ``AppConfig.ready``;
a tick's body claims due rows with a conditional UPDATE (STYLE rule 7) and calls services.
``sampark tick`` runs every registered tick once; ``sampark worker`` runs them in a loop. Ticks run
in the order the apps are installed (directives before reports before difficulties)."""

import logging
from collections.abc import Callable
from datetime import datetime

log = logging.getLogger("sampark.jobs")

_TICKS: dict[str, Callable[[datetime], object]] = {}


def register_tick(app_label: str, tick: Callable[[datetime], object]) -> None:
    """Called once per app at start-up; registering the same app again replaces its tick."""
    _TICKS[app_label] = tick


def registered_ticks() -> dict[str, Callable[[datetime], object]]:
    return dict(_TICKS)


def run_ticks(now: datetime) -> dict[str, object]:
    return {label: tick(now) for label, tick in _TICKS.items()}
