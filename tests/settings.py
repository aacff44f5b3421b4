"""Settings for the test suite: the project's settings with fixed test keys, so tests never need a
file that `make run` left behind. The demo is on (as on a laptop); production settings are
checked in subprocesses (tests/test_deploy_settings.py)."""

import os

os.environ.setdefault("SAMPARK_SECRET_KEY", "tests-only-secret-key-never-used-anywhere-else-0123456789")
os.environ.setdefault("SAMPARK_HASH_KEY", "tests-only-hash-key-never-used-anywhere-else-0123456789")
os.environ.setdefault("SAMPARK_DEMO", "1")

from sampark.settings import *  # noqa: E402,F403

# The in-memory channel: tests read the login codes that were delivered (the outbox keeps them masked).
SAMPARK_SMS_CHANNEL = "memory"
