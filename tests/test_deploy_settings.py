"""Finding 8: production settings pass `manage.py check --deploy`; cookies are Secure outside the demo."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {"SAMPARK_SECRET_KEY": "p" * 20 + "-production-secret-for-the-check-" + "q" * 20,
              "SAMPARK_HASH_KEY": "h" * 40, "SAMPARK_ALLOWED_HOSTS": "sampark.example.org"}


def manage(*args, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SAMPARK_") and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**base, **env})


def test_check_deploy_is_clean_with_production_settings():
    run = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert run.returncode == 0, run.stderr + run.stdout
    assert "no issues" in run.stdout


def test_production_cookies_are_secure_and_https_is_enforced():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS > 0, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))")
    base = {k: v for k, v in os.environ.items() if not k.startswith("SAMPARK_")}
    env = {**base, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "sampark.settings"}
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    assert run.stdout.split() == ["True"] * 5 + ["None"], run.stderr
    behind = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**env, "SAMPARK_PROXY_SSL_HEADER": "1", "SAMPARK_SECURE_COOKIES": "1"})
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in behind.stdout
    demo = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**env, "SAMPARK_DEMO": "1"})
    assert demo.stdout.split()[:4] == ["False"] * 4


def test_the_language_cookie_follows_the_secure_setting(client, world, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    r = client.post("/lang/", {"language": "en"})
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME]["secure"] is True


def test_the_readme_lists_every_variable_the_settings_read():
    import re

    source = (ROOT / "sampark" / "settings.py").read_text()
    names = set(re.findall(r'(?:environ\.get|env_bool|env_secret)\(\s*"(SAMPARK_\w+)"', source))
    names |= {n + "_FILE" for n in re.findall(r'env_secret\(\s*"(SAMPARK_\w+)"', source)}
    readme = (ROOT / "README.md").read_text()
    assert names and not [n for n in sorted(names) if f"`{n}`" not in readme]


def test_http_is_redirected_to_https_except_the_health_probe(db, settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    c = Client()
    r = c.get("/about/")
    assert r.status_code == 301 and r["Location"] == "https://testserver/about/"
    assert c.get("/api/v1/healthz").status_code == 200
