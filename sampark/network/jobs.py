"""Timed work for the network, run by `sampark tick` and the worker (STYLE rule 7): fold the pending
roll-up changes; once a month, remind members to enter their counts (part: reminders)."""

from datetime import datetime

from sampark.network import rollups


def tick(now: datetime) -> dict:  # noqa: ARG001
    return {"folded": rollups.fold_all()}
