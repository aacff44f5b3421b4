"""Time-ordered UUIDs (version 7, RFC 9562) for rows whose ids are made outside the database.

Report ids are made on the phone (so a resend is recognised); the offline form makes them with
the same layout (web/static/web/outbox.js). 48 bits of Unix milliseconds come first, so
ids made close in time sit close together in the indexes keyed by them: a new report then
touches a few hot index pages instead of a random page of a ten-million-row index (the figures
are in bench/results/, reports_submit_only_per_s). Any UUID is still accepted."""

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    raw = bytearray((time.time_ns() // 1_000_000).to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70  # version 7
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 9562 variant
    return uuid.UUID(bytes=bytes(raw))
