"""Reports' periodic work: fold the pending roll-up changes into the daily table."""

from datetime import datetime

from sampark.reports.rollups import BATCH, fold_pending

# Stop after this many batches in one tick, so the other apps' timers run too.
MAX_BATCHES_PER_TICK = 40


def tick(now: datetime) -> dict:  # noqa: ARG001
    folded = 0
    for _i in range(MAX_BATCHES_PER_TICK):
        n = fold_pending(BATCH)
        folded += n
        if n < BATCH:
            break
    return {"folded": folded}
