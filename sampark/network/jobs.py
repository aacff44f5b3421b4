"""Timed work for the network, run by `sampark tick` and the worker (STYLE rule 7): fold the pending
roll-up changes; once a month, remind members to enter their counts (reminders.py)."""

from datetime import datetime

from sampark.network import reminders, rollups


def tick(now: datetime) -> dict:
    return {"folded": rollups.fold_all(), "reminded": reminders.send_reminders(now)}
