"""Finding 1: no published key, no start without one, and code and token hashes of their own."""

import hashlib
import hmac
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.test import override_settings

from sampark.people.auth import person_for_token, request_code
from sampark.people.models import LoginCode

ROOT = Path(settings.BASE_DIR)
# The key settings.py fell back to before: anyone who read the repository knew it.
PUBLISHED_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
KEYS = ("SAMPARK_SECRET_KEY", "SAMPARK_SECRET_KEY_FILE", "SAMPARK_HASH_KEY", "SAMPARK_HASH_KEY_FILE",
        "SAMPARK_DEMO", "SAMPARK_PRODUCTION", "SAMPARK_DEBUG")


def start(**env) -> subprocess.CompletedProcess:
    """django.setup() with the project's settings in a fresh process, with only the given keys."""
    base = {k: v for k, v in os.environ.items() if k not in KEYS}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**base, "DJANGO_SETTINGS_MODULE": "sampark.settings", **env})


def test_the_server_refuses_to_start_without_a_secret_key():
    run = start(SAMPARK_HASH_KEY="h" * 40)
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr and "SAMPARK_SECRET_KEY is not set" in run.stderr
    # Not even with DEBUG on, nor with the old undocumented switch off.
    assert start(SAMPARK_HASH_KEY="h" * 40, SAMPARK_DEBUG="1").returncode != 0


def test_the_server_refuses_to_start_without_a_hash_key():
    run = start(SAMPARK_SECRET_KEY="s" * 60)
    assert run.returncode != 0 and "SAMPARK_HASH_KEY is not set" in run.stderr


def test_a_short_key_is_refused():
    run = start(SAMPARK_SECRET_KEY="short", SAMPARK_HASH_KEY="h" * 40)
    assert run.returncode != 0 and "SAMPARK_SECRET_KEY must be at least 50 characters" in run.stderr


def test_keys_from_the_environment_or_from_files_the_operator_names(tmp_path):
    assert start(SAMPARK_SECRET_KEY="s" * 60, SAMPARK_HASH_KEY="h" * 40).returncode == 0
    secret, hashed = tmp_path / "secret", tmp_path / "hash"
    secret.write_text("s" * 60 + "\n")
    hashed.write_text("h" * 40)
    assert start(SAMPARK_SECRET_KEY_FILE=str(secret), SAMPARK_HASH_KEY_FILE=str(hashed)).returncode == 0
    missing = start(SAMPARK_SECRET_KEY_FILE=str(tmp_path / "nope"), SAMPARK_HASH_KEY="h" * 40)
    assert missing.returncode != 0 and "SAMPARK_SECRET_KEY_FILE: cannot read" in missing.stderr


def test_the_demo_file_is_read_only_in_the_demo():
    """With the demo off, a key left in the project folder by `make run` is not used."""
    demo_file = ROOT / ".sampark-demo-secret"
    made = not demo_file.exists()
    try:
        assert start(SAMPARK_DEMO="1").returncode == 0  # makes the file if it was not there
        assert demo_file.exists() and oct(demo_file.stat().st_mode)[-3:] == "600"
        off = start()
        assert off.returncode != 0 and "SAMPARK_SECRET_KEY is not set" in off.stderr
    finally:
        if made:
            demo_file.unlink(missing_ok=True)


def test_the_demo_is_off_unless_asked():
    run = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                          "print(settings.SAMPARK_DEMO, settings.SESSION_COOKIE_SECURE)"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**{k: v for k, v in os.environ.items() if k not in KEYS},
                              "DJANGO_SETTINGS_MODULE": "sampark.settings",
                              "SAMPARK_SECRET_KEY": "s" * 60, "SAMPARK_HASH_KEY": "h" * 40})
    assert run.stdout.split() == ["False", "True"], run.stderr


def test_a_cookie_signed_with_the_old_published_key_is_not_accepted(client, world):
    forged = signing.dumps({"sampark_person": world.state_admin.pk}, key=PUBLISHED_KEY, compress=True,
                           salt="django.contrib.sessions.backends.signed_cookies",
                           serializer=signing.JSONSerializer)
    client.cookies[settings.SESSION_COOKIE_NAME] = forged
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    # Nor signed with the key the server uses now: a session is a row on the server, not a cookie.
    client.cookies[settings.SESSION_COOKIE_NAME] = signing.dumps(
        {"sampark_person": world.state_admin.pk}, compress=True, salt="django.contrib.sessions.backends.signed_cookies",
        serializer=signing.JSONSerializer)
    assert client.get("/").status_code == 302


def test_code_hash_is_not_the_session_key_hmac(world, django_capture_on_commit_callbacks):
    from tests.test_login import last_code

    with django_capture_on_commit_callbacks(execute=True):
        request_code(world.patna_worker.phone, "10.0.0.1")
    code = last_code(world.patna_worker.phone)
    row = LoginCode.objects.get()
    value = (world.patna_worker.phone + ":" + code).encode()
    assert row.code_hash != hmac.new(settings.SECRET_KEY.encode(), value, hashlib.sha256).hexdigest()
    assert row.code_hash != hmac.new(settings.SAMPARK_HASH_KEY.encode(), value, hashlib.sha256).hexdigest()
    assert row.code_hash != hashlib.sha256(value).hexdigest()


def test_rotating_the_session_key_keeps_tokens_and_the_hash_key_ends_them(world, api_as):
    key = api_as(world.patna_coord)["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    with override_settings(SECRET_KEY="another-secret-key-" + "x" * 40):
        assert person_for_token(key) == world.patna_coord
    with override_settings(SAMPARK_HASH_KEY="another-hash-key-" + "y" * 40):
        assert person_for_token(key) is None


@pytest.mark.parametrize("name", ["SAMPARK_PRODUCTION"])
def test_the_undocumented_switch_is_gone(name):
    assert name not in (ROOT / "sampark" / "settings.py").read_text()


def manage(*args) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in KEYS}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**base, "DJANGO_SETTINGS_MODULE": "sampark.settings"})


def test_only_reading_the_code_for_missing_migrations_runs_without_keys():
    """makemigrations --check serves nothing: it runs without the keys (a per-process random key);
    commands that start the site or touch its data still refuse."""
    run = manage("makemigrations", "--check", "--dry-run")
    assert run.returncode == 0 and "No changes detected" in run.stdout, run.stderr[-500:]
    for command in (["check"], ["migrate", "--plan"], ["showmigrations"]):
        refused = manage(*command)
        assert refused.returncode != 0 and "SAMPARK_SECRET_KEY is not set" in refused.stderr, command
