"""Sampark as one installed app: the manifest and the service worker at the site root, the page
shown for any page not kept on the phone when there is no network, and the outbox page (what
waits on this phone to be sent; the list itself is drawn from IndexedDB by web/app.js)."""

import json
from functools import lru_cache
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sampark.core.decorators import person_required

STATIC = Path(__file__).parent / "static" / "web"
THEME = "#c2410c"


@lru_cache(maxsize=2)
def _static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def service_worker(request):
    response = HttpResponse(_static_text("sw.js"), content_type="application/javascript; charset=utf-8")
    # The browser checks for a new worker on every visit; it must not keep an old one for a day.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request):
    data = {
        "id": "/", "name": "संपर्क", "short_name": "Sampark", "lang": "hi", "dir": "ltr",
        "description": _("Directives down, reports and difficulties up: the organisation on your phone."),
        "start_url": "/", "scope": "/", "display": "standalone", "orientation": "portrait",
        "background_color": "#ffffff", "theme_color": THEME,
        "icons": [
            {"src": "/static/web/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/static/web/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/static/web/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": "/static/web/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def offline(request):
    """The same small page for everyone, in Hindi and English (kept by the worker at install)."""
    return render(request, "web/offline.html", {})


@person_required
def outbox(request):
    response = render(request, "web/outbox.html", {})
    response["Cache-Control"] = "no-cache, private"
    return response
