"""Uploaded files, written once for every app: check what a file really is (by its content, never by
its name or the browser's content type), drop what it tells about the sender (EXIF: camera, time,
GPS location), store it under a random name, and hand it back only to a view that has already
found its row through a visibility check.

Nothing the sender says about a file is believed: not its name, not its declared content type. No
stored file keeps EXIF or a GPS location, whatever the organisation wants: a photo's place would
tell who was where (an option to keep it in report photos was removed for that reason). Decoding
is the costly step, so an image is refused from its header alone when it has too many pixels, and
at most ``SAMPARK_MAX_IMAGE_DECODES`` images are decoded at once in a process; an upload that
waits longer than ``DECODE_WAIT_SECONDS`` for its turn is answered 503 "busy, try again".

* ``clean_photo``: any readable photo becomes an upright JPEG of at most ``PHOTO_LONG_SIDE``.
* ``clean_image``: a JPEG, PNG or WebP keeps its format and size, without metadata (a GIF becomes
  a PNG of its first frame).
* ``sniff_document``: a PDF is kept as it is (it is never shown inline).
* ``store`` / ``remove`` / ``serve_file``: under MEDIA_ROOT/<kind>/<year>/<month>/<random>.<ext>.
* ``store_photo`` / ``serve_thumbnail``: a stored photo gets a small JPEG beside it
  (<random>.thumb.jpg, at most ``THUMB_LONG_SIDE`` and about ``THUMB_MAX_BYTES``) for pages and
  lists; a photo stored before thumbnails existed gets one on its first request. ``remove``
  deletes a photo's thumbnail with it, so erasure and every other removal cannot leave one behind.
"""

import io
import mimetypes
import secrets
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.static import was_modified_since
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
# A decoded pixel costs up to 4 bytes. 32 MP keeps the largest pictures common phones take by
# default (32 MP front cameras, 6528x4896) and refuses what only an attacker sends.
MAX_PIXELS = 32_000_000
# How long an upload waits for a decoding slot before it is told to try again.
DECODE_WAIT_SECONDS = 10
# Stored photos are scaled down to this longest side: enough for a report, light on 2G.
PHOTO_LONG_SIDE = 2048
JPEG_QUALITY = 82
WEBP_QUALITY = 85
# What a photo may arrive as; it is always stored as JPEG.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO", "HEIF")
# What an image keeping its format may arrive as, and what it is stored as.
IMAGE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
STORED_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF_TYPE = ("application/pdf", "pdf")
# Thumbnails: what a report page or a list shows; the full photo opens on a tap.
THUMB_LONG_SIDE = 480
THUMB_MAX_BYTES = 30 * 1024
THUMB_QUALITIES = (70, 55, 40)
THUMB_SUFFIX = ".thumb.jpg"
# Shown in the browser; anything else is downloaded. (GIF: attachments stored before GIFs became PNGs.)
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


class Rejected(ValueError):
    """The upload is refused. The message is for the user, ``status`` the HTTP code and ``reason``
    one of "too_large", "empty", "not_image", "too_many_pixels", "damaged_pdf", "busy"."""

    def __init__(self, message: str, *, reason: str, status: int = 422):
        super().__init__(message)
        self.reason = reason
        self.status = status


@dataclass
class Clean:
    """Bytes that are safe to store, with what they are."""

    data: bytes
    content_type: str
    extension: str
    width: int = 0
    height: int = 0
    name: str = ""  # the sender's name for it, to show; never used to store it

    @property
    def size(self) -> int:
        return len(self.data)


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def too_large_message(max_bytes: int = MAX_BYTES) -> str:
    return _("The file is too large: at most {mb} MB.").format(mb=max_bytes // (1024 * 1024))


def photo_too_large_message(max_bytes: int = MAX_BYTES) -> str:
    return _("The photo is too large: at most {mb} MB.").format(mb=max_bytes // (1024 * 1024))


def read_upload(upload, max_bytes: int = MAX_BYTES, too_large: str | None = None) -> bytes:
    """The whole upload, read at most one byte past the limit whatever its declared size."""
    too_large = too_large or too_large_message(max_bytes)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise Rejected(too_large, reason="too_large", status=413)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Rejected(too_large, reason="too_large", status=413)
    if not data:
        raise Rejected(_("The file is empty."), reason="empty")
    return data


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams an upload to a temporary file and skips the file once it passes the limit, so a body
    without a declared length (chunked) is never held whole."""

    def __init__(self, request=None, limit: int = MAX_BYTES):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


_strict = threading.Lock()
_strict_users = 0
_strict_saved = False


@contextmanager
def strict_decoding():
    """Decode with truncated images refused. WeasyPrint switches Pillow's global
    LOAD_TRUNCATED_IMAGES on when imported, which would let a damaged photo through as grey. The
    flag is global, so it is off while any decoder here runs and restored when the last one ends
    (holding a lock for the whole decode would let only one image be decoded at a time)."""
    global _strict_users, _strict_saved
    with _strict:
        if _strict_users == 0:
            _strict_saved = ImageFile.LOAD_TRUNCATED_IMAGES
        _strict_users += 1
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        with _strict:
            _strict_users -= 1
            if _strict_users == 0:
                ImageFile.LOAD_TRUNCATED_IMAGES = _strict_saved


@cache
def _slots(n: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(n)


def max_decodes() -> int:
    return getattr(settings, "SAMPARK_MAX_IMAGE_DECODES", 2)


def busy_message() -> str:
    return _("The server is busy with other photos. Try again in a minute.")


@contextmanager
def decoding_slot():
    """One of the process's ``SAMPARK_MAX_IMAGE_DECODES`` slots, held from decoding to encoding
    (the decoded pixels live that long); Rejected with 503 after ``DECODE_WAIT_SECONDS``."""
    slots = _slots(max_decodes())
    if not slots.acquire(timeout=DECODE_WAIT_SECONDS):
        raise Rejected(busy_message(), reason="busy", status=503)
    try:
        yield
    finally:
        slots.release()


def _too_many(max_pixels: int) -> Rejected:
    return Rejected(_("The photo has too many pixels: at most {n} megapixels.").format(
        n=max_pixels // 1_000_000), reason="too_many_pixels")


def probe(data: bytes, formats, *, max_pixels: int = MAX_PIXELS, not_image: str) -> Image.Image:
    """The image opened from its header only (Pillow's ``open`` is lazy: no pixel is decoded), or
    Rejected when it is not one of ``formats`` or has more than ``max_pixels``. A small file
    claiming huge dimensions (a decompression bomb) is refused here at no cost."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise Rejected(not_image, reason="not_image") from None
    if img.format not in formats:
        raise Rejected(not_image, reason="not_image")
    if img.width * img.height > max_pixels:
        raise _too_many(max_pixels)
    return img


def _load(img: Image.Image, data: bytes, draft_size: tuple[int, int] | None) -> Image.Image:
    """Every pixel of a probed image: the structure is verified, then the image opened again (as
    ``verify`` requires) and decoded, so a truncated file fails. With ``draft_size`` a JPEG is
    decoded at the smallest scale still at least that large, a fraction of the memory."""
    img.verify()
    fresh = Image.open(io.BytesIO(data))
    if draft_size and fresh.format in ("JPEG", "MPO"):
        fresh.draft("RGB", draft_size)
    fresh.load()
    return fresh


def decode(data: bytes, formats, *, max_pixels: int = MAX_PIXELS, not_image: str,
           draft_size: tuple[int, int] | None = None) -> Image.Image:
    """Every pixel decoded (see ``_load``), or Rejected; the header is checked first (``probe``).
    Call it inside ``decoding_slot``."""
    img = probe(data, formats, max_pixels=max_pixels, not_image=not_image)
    try:
        with strict_decoding(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _load(img, data, draft_size)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise Rejected(not_image, reason="not_image") from None


def _without_metadata(img: Image.Image, *, alpha: bool) -> Image.Image:
    """Upright pixels only: the orientation tag is applied, then EXIF, XMP, ICC and comments go."""
    img = ImageOps.exif_transpose(img)
    if alpha and (img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info):
        img = img.convert("RGBA")
    elif img.mode not in ("RGB", "L"):
        img = img.convert("RGBA").convert("RGB") if "A" in img.mode or img.mode == "P" else img.convert("RGB")
    img.info = {}
    return img


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt == "WEBP":
        img.save(out, "WEBP", quality=WEBP_QUALITY)
    else:
        img.save(out, "PNG", optimize=True)
    return out.getvalue()


def clean_photo(upload, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS,
                long_side: int = PHOTO_LONG_SIDE) -> Clean:
    """A photo as an upright JPEG no longer than ``long_side``, without any metadata."""
    data = read_upload(upload, max_bytes, photo_too_large_message(max_bytes))
    not_image = _("This file is not a photo we can read (JPEG, PNG or WebP), or it is damaged.")
    probe(data, PHOTO_FORMATS, max_pixels=max_pixels, not_image=not_image)  # refused before waiting
    with decoding_slot():
        img = decode(data, PHOTO_FORMATS, max_pixels=max_pixels, not_image=not_image,
                     draft_size=(long_side, long_side))
        if img.mode in ("RGB", "RGBA", "L", "LA"):
            img.thumbnail((long_side, long_side))  # small before the copies below are made
        img = _without_metadata(img, alpha=False)
        img.thumbnail((long_side, long_side))
        content_type, ext = STORED_TYPES["JPEG"]
        return Clean(_encode(img, "JPEG"), content_type, ext, img.width, img.height)


def clean_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> Clean:
    """An image re-encoded in its own format (see IMAGE_FORMATS) at its own size, without metadata."""
    not_image = _("This file is not an image we can read (JPEG, PNG, WebP or GIF), or it is damaged.")
    probe(data, IMAGE_FORMATS, max_pixels=max_pixels, not_image=not_image)
    with decoding_slot():
        img = decode(data, IMAGE_FORMATS, max_pixels=max_pixels, not_image=not_image)
        fmt = IMAGE_FORMATS[img.format]
        img = _without_metadata(img, alpha=fmt != "JPEG")
        content_type, ext = STORED_TYPES[fmt]
        return Clean(_encode(img, fmt), content_type, ext, img.width, img.height)


def sniff_document(data: bytes) -> Clean | None:
    """A PDF as it is, None for anything that does not start like one."""
    if not data.startswith(b"%PDF-"):
        return None
    if b"%%EOF" not in data[-2048:]:
        raise Rejected(_("The PDF is incomplete or damaged."), reason="damaged_pdf")
    return Clean(data, *PDF_TYPE)


def store(kind: str, clean: Clean, *, today: date | None = None) -> str:
    """Write the bytes under a name nobody can guess or choose; returns the path under MEDIA_ROOT."""
    today = today or timezone.localdate()
    rel = f"{kind}/{today:%Y/%m}/{secrets.token_hex(16)}.{clean.extension}"
    path = media_root() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(clean.data)
    tmp.replace(path)
    return rel


def remove(rel: str) -> None:
    """A stored file, and its thumbnail if it has one."""
    (media_root() / rel).unlink(missing_ok=True)
    if rel and not rel.endswith(THUMB_SUFFIX):
        (media_root() / thumb_path(rel)).unlink(missing_ok=True)


def thumb_path(rel: str) -> str:
    """Where a stored photo's thumbnail lives: beside it, so it shares its folder and its fate."""
    return rel.rsplit(".", 1)[0] + THUMB_SUFFIX


def thumb_size(width: int, height: int) -> tuple[int, int]:
    """The thumbnail's width and height for a photo of this size (as Pillow's ``thumbnail`` makes it)."""
    if max(width, height) <= THUMB_LONG_SIDE or not width or not height:
        return width, height
    if width >= height:
        return THUMB_LONG_SIDE, max(1, round(height * THUMB_LONG_SIDE / width))
    return max(1, round(width * THUMB_LONG_SIDE / height)), THUMB_LONG_SIDE


def make_thumbnail(rel: str) -> str:
    """Write the thumbnail of a stored photo (a JPEG we wrote, so already clean) and return its
    path. The quality steps down until it fits ``THUMB_MAX_BYTES``. Two requests making the same
    thumbnail at once each write a temporary file and the last rename wins: same bytes either way."""
    source = stored_path(rel)
    data = source.read_bytes()
    not_image = _("This file is not a photo we can read (JPEG, PNG or WebP), or it is damaged.")
    with decoding_slot():
        img = decode(data, PHOTO_FORMATS, not_image=not_image, draft_size=(THUMB_LONG_SIDE, THUMB_LONG_SIDE))
        img = _without_metadata(img, alpha=False)
        img.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE))
        for quality in THUMB_QUALITIES:
            out = io.BytesIO()
            img.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
            if out.tell() <= THUMB_MAX_BYTES:
                break
    thumb = thumb_path(rel)
    tmp = media_root() / f"{thumb}.{secrets.token_hex(4)}.tmp"
    tmp.write_bytes(out.getvalue())
    tmp.replace(media_root() / thumb)
    return thumb


def store_photo(kind: str, clean: Clean, *, today: date | None = None) -> str:
    """Store a cleaned photo and make its thumbnail. A thumbnail that cannot be made now (the
    server is busy decoding other photos) is made on its first request instead."""
    rel = store(kind, clean, today=today)
    try:
        make_thumbnail(rel)
    except Rejected:
        pass
    return rel


def serve_thumbnail(request, file, *, max_age: int = 86400):
    """The thumbnail of a stored photo, made now if the photo has none yet. The same rule as
    ``serve_file``: call it only with a row found through ``visible_to``."""
    rel = str(getattr(file, "name", file) or "")
    thumb = thumb_path(rel)
    if not (media_root() / thumb).is_file():
        try:
            stored_path(rel)
        except FileNotFoundError:
            raise Http404 from None
        try:
            make_thumbnail(rel)
        except Rejected as exc:
            if exc.reason != "busy":
                raise Http404 from None
            response = HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "30"
            return response
    return serve_file(request, thumb, content_type="image/jpeg", max_age=max_age)


def stored_path(rel: str) -> Path:
    """The file of a stored path, refused (FileNotFoundError) if it would lead outside MEDIA_ROOT/<kind>."""
    kind = rel.split("/", 1)[0]
    root = (media_root() / kind).resolve()
    path = (media_root() / rel).resolve()
    if not kind or root not in path.parents or not path.is_file():
        raise FileNotFoundError(rel)
    return path


def serve_file(request, file, *, content_type: str | None = None, filename: str | None = None,
               inline: bool | None = None, max_age: int = 3600):
    """The response for a stored file (a FieldFile or its path under MEDIA_ROOT). Call it only with
    a row found through ``visible_to``: the path comes from that row, never from the URL.
    Images are shown inline, anything else is downloaded; nothing is sniffed or run by the browser."""
    rel = str(getattr(file, "name", file) or "")
    try:
        path = stored_path(rel)
    except FileNotFoundError:
        raise Http404 from None
    content_type = content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if inline is None:
        inline = content_type in INLINE_TYPES
    mtime = path.stat().st_mtime
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), int(mtime)):
        response = HttpResponseNotModified()
    else:
        response = FileResponse(path.open("rb"), content_type=content_type, as_attachment=not inline,
                                filename=filename or path.name)
    response["Last-Modified"] = http_date(mtime)
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
