"""Timed work. Each flow app that has timers exposes ``jobs.tick(now) -> dict`` whose body claims
due rows with a conditional UPDATE (STYLE rule 7) and calls services. ``sampark tick`` runs every
app's tick once; ``sampark worker`` runs them in a loop."""

import importlib
import logging
from datetime import datetime

log = logging.getLogger("sampark.jobs")

# Apps with timers, in the order their ticks run.
TICK_MODULES = ["sampark.directives.jobs", "sampark.reports.jobs", "sampark.difficulties.jobs"]


def run_ticks(now: datetime) -> dict[str, object]:
    results: dict[str, object] = {}
    for name in TICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # this app has no timers (yet)
            raise
        tick = getattr(module, "tick", None)
        if tick is not None:
            results[name.split(".")[1]] = tick(now)
    return results
