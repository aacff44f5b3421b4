"""Directive attachments: PDFs and images, checked by their content (never by the file name),
size-limited, stored under MEDIA_ROOT/directives/ and read back only through a visibility check."""

import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
MAX_PIXELS = 40_000_000
FOLDER = "directives"
IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp"),
               "GIF": ("image/gif", "gif")}


class AttachmentError(ValueError):
    """The message is for the user; status is the HTTP code."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


@dataclass
class Checked:
    name: str
    content_type: str
    extension: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def too_large_message() -> str:
    return _("The file is too large: at most {mb} MB.").format(mb=MAX_BYTES // (1024 * 1024))


def too_many_message() -> str:
    return _("At most {n} attachments per directive.").format(n=MAX_FILES)


def _display_name(upload) -> str:
    from sampark.core.text import clean

    name = clean(Path(str(getattr(upload, "name", "") or "")).name)[:200]
    return name or _("attachment")


def check(upload) -> Checked:
    """Read one upload and decide what it really is. Raises AttachmentError with a clear message."""
    name = _display_name(upload)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise AttachmentError(too_large_message() + " (" + name + ")", status=413)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AttachmentError(too_large_message() + " (" + name + ")", status=413)
    if not data:
        raise AttachmentError(_("The file {name} is empty.").format(name=name))
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise AttachmentError(_("The PDF {name} is incomplete or damaged.").format(name=name))
        return Checked(name, "application/pdf", "pdf", data)
    wrong = AttachmentError(_("{name} is not a PDF or an image (JPEG, PNG, WebP, GIF), or it is damaged.")
                            .format(name=name))
    from sampark.reports.photos import strict_decoding

    try:
        import io

        with strict_decoding(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in IMAGE_TYPES or probe.width * probe.height > MAX_PIXELS:
                raise wrong
            probe.verify()
            img = Image.open(io.BytesIO(data))
            img.load()  # decode every pixel: a truncated file fails here
    except AttachmentError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise wrong from None
    content_type, ext = IMAGE_TYPES[probe.format]
    return Checked(name, content_type, ext, data)


def store(directive_id: int, checked: Checked) -> str:
    """Write the bytes under a name nobody can guess or choose; returns the path under MEDIA_ROOT."""
    rel = f"{FOLDER}/{directive_id}/{uuid.uuid4().hex}.{checked.extension}"
    path = media_root() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(checked.data)
    tmp.replace(path)
    return rel


def remove(rel: str) -> None:
    (media_root() / rel).unlink(missing_ok=True)


def open_stored(rel: str):
    root = (media_root() / FOLDER).resolve()
    path = (media_root() / rel).resolve()
    if root not in path.parents:
        raise FileNotFoundError(rel)
    return path.open("rb")
