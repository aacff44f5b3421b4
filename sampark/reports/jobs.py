"""Reports' periodic work: fold the pending roll-up changes into the daily table."""

from datetime import datetime

from sampark.reports.rollups import fold_all, vacuum

# Stop after this many batches in one tick, so the other apps' timers run too.
MAX_BATCHES_PER_TICK = 40
# VACUUM the queue and the daily table after this many folded changes (in this worker process),
# for servers where autovacuum is off or lags behind (as on the development machines).
VACUUM_EVERY = 100_000
_since_vacuum = 0


def tick(now: datetime) -> dict:  # noqa: ARG001
    global _since_vacuum
    folded = fold_all(max_batches=MAX_BATCHES_PER_TICK)
    _since_vacuum += folded
    if _since_vacuum >= VACUUM_EVERY and vacuum():
        _since_vacuum = 0
    return {"folded": folded}
