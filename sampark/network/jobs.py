"""Timed work for the network, run by `sampark tick` and the worker (STYLE rule 7): fold the pending
roll-up changes (and VACUUM their tables now and then, as reports do); once a month, remind members
to enter their counts (reminders.py)."""

from datetime import datetime

from sampark.network import reminders, rollups

# Stop after this many batches in one tick, so the other apps' timers run too.
MAX_BATCHES_PER_TICK = 40
# VACUUM the queue and the roll-up tables after this many folded changes (in this worker process).
VACUUM_EVERY = 100_000
_since_vacuum = 0


def tick(now: datetime) -> dict:
    global _since_vacuum
    folded = rollups.fold_all(max_batches=MAX_BATCHES_PER_TICK)
    _since_vacuum += folded
    if _since_vacuum >= VACUUM_EVERY and rollups.vacuum():
        _since_vacuum = 0
    return {"folded": folded, "reminded": reminders.send_reminders(now)}
