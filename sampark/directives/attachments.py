"""Directive attachments: PDFs and images, checked by their content (never by the file name) through
sampark.core.files, images stripped of their metadata, stored under MEDIA_ROOT/directives/ and read
back only through a visibility check."""

from pathlib import Path

from django.utils.translation import gettext as _

from sampark.core import files
from sampark.core.text import clean

MAX_BYTES = files.MAX_BYTES
MAX_FILES = 5
KIND = "directives"

AttachmentError = files.Rejected
Checked = files.Clean


def too_many_message() -> str:
    return _("At most {n} attachments per directive.").format(n=MAX_FILES)


def display_name(upload) -> str:
    """The sender's file name, shown to readers only: it is never used to store the file."""
    name = clean(Path(str(getattr(upload, "name", "") or "")).name)[:200]
    return name or _("attachment")


def check(upload) -> files.Clean:
    """Read one upload and decide what it really is (a PDF is kept as it is, an image re-encoded).
    Raises AttachmentError with a message naming the file."""
    name = display_name(upload)
    try:
        data = files.read_upload(upload, MAX_BYTES)
        checked = files.sniff_document(data) or files.clean_image(data)
    except files.Rejected as exc:
        raise AttachmentError(_message(exc, name), reason=exc.reason, status=exc.status) from None
    checked.name = name
    return checked


def _message(exc: files.Rejected, name: str) -> str:
    if exc.reason == "empty":
        return _("The file {name} is empty.").format(name=name)
    if exc.reason == "damaged_pdf":
        return _("The PDF {name} is incomplete or damaged.").format(name=name)
    if exc.reason in ("not_image", "too_many_pixels"):
        return _("{name} is not a PDF or an image (JPEG, PNG, WebP, GIF), or it is damaged.").format(name=name)
    return str(exc) + " (" + name + ")"


def store(directive_id: int, checked: files.Clean) -> str:
    """The path under MEDIA_ROOT. The directive id is not part of it: the row links the two."""
    return files.store(KIND, checked)


def remove(rel: str) -> None:
    files.remove(rel)
