"""The page for importing counts (sampark.network.imports): upload, a preview of what would be
written, then confirm. Between the two steps the file waits on the server under a random name
bound to the person (never in the page), and is deleted once confirmed or after a day."""

import secrets
import time
from pathlib import Path

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sampark.core import files
from sampark.core.decorators import person_required
from sampark.core.tables import MAX_BYTES
from sampark.core.visibility import leading_roots
from sampark.network.imports import COLUMNS, FileProblem, import_counts

# Batched writes: 10,000 rows take seconds, so a page takes a larger file than the people import.
WEB_MAX_ROWS = 20_000
SHOWN_ERRORS = 500
KEEP_SECONDS = 24 * 3600
TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _folder() -> Path:
    return files.media_root() / "network-imports"


def _stored(person, token: str, ext: str) -> Path | None:
    if not token or not set(token) <= TOKEN_CHARS or ext not in ("csv", "xlsx"):
        return None
    return _folder() / f"{person.pk}-{token}.{ext}"


def _keep(person, name: str, data: bytes) -> tuple[str, str]:
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(16)
    ext = "xlsx" if name.lower().endswith(".xlsx") else "csv"
    _stored(person, token, ext).write_bytes(data)
    return token, ext


@person_required
@require_http_methods(["GET", "POST"])
def import_counts_view(request):
    leads = bool(leading_roots(request.person))
    result, error, token, ext = None, "", "", ""
    if request.method == "POST" and leads:
        if request.POST.get("confirm"):
            path = _stored(request.person, request.POST.get("token", ""), request.POST.get("ext", ""))
            if path is None or not path.exists():
                error = _("The file to confirm is no longer here. Upload it again.")
            else:
                try:
                    result = import_counts(request.person, path.name, path.read_bytes())
                except FileProblem as exc:
                    error = str(exc)
                path.unlink(missing_ok=True)
        else:
            upload = request.FILES.get("file")
            if upload is None:
                error = _("Choose a file.")
            elif upload.size > MAX_BYTES:
                error = _("The file is larger than {mb} MB. Split it into smaller files.").format(
                    mb=MAX_BYTES // (1024 * 1024))
            else:
                data = upload.read()
                try:
                    result = import_counts(request.person, upload.name, data, dry_run=True, max_rows=WEB_MAX_ROWS)
                except FileProblem as exc:
                    error = str(exc)
                if result is not None and result.ok and result.changed:
                    token, ext = _keep(request.person, upload.name, data)
    context = {
        "leads": leads, "result": result, "error": error, "token": token, "ext": ext,
        "errors": result.errors[:SHOWN_ERRORS] if result else [],
        "more_errors": max(0, len(result.errors) - SHOWN_ERRORS) if result else 0,
        "columns": ",".join(COLUMNS), "max_rows": WEB_MAX_ROWS, "max_mb": MAX_BYTES // (1024 * 1024),
    }
    status = 403 if not leads else 400 if error or (result and result.errors) else 200
    return render(request, "network/import.html", context, status=status)
