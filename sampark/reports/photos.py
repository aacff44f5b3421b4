"""Report photos: check that an upload is a real image within the limits, re-encode it as JPEG
(which drops EXIF: camera, time, and the GPS location unless the organisation keeps it), and store
it under MEDIA_ROOT. Photos are served only through a view that checks visibility."""

import io
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Stored photos are scaled down to this longest side: enough for a report, light on 2G.
STORE_LONG_SIDE = 2048
JPEG_QUALITY = 82
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO", "HEIF")


@dataclass
class Processed:
    data: bytes
    width: int
    height: int


def media_root() -> Path:
    return Path(getattr(settings, "MEDIA_ROOT", None) or Path(settings.BASE_DIR) / "media")


def too_large_message() -> str:
    return _("The photo is too large: at most {mb} MB.").format(mb=MAX_BYTES // (1024 * 1024))


_strict = threading.Lock()


@contextmanager
def strict_decoding():
    """Decode with truncated images refused. WeasyPrint switches Pillow's global
    LOAD_TRUNCATED_IMAGES on when imported, which would let a damaged photo through as grey."""
    with _strict:
        old = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = old


def process(upload, *, keep_location: bool = False) -> Processed:
    from sampark.reports.services import ReportError

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ReportError(too_large_message(), status=413)
    not_image = ReportError(_("This file is not a photo we can read (JPEG, PNG or WebP), or it is damaged."))
    try:
        upload.seek(0)
        with strict_decoding(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(upload)
            if probe.format not in FORMATS:
                raise not_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ReportError(_("The photo has too many pixels: at most {n} megapixels.").format(
                    n=MAX_PIXELS // 1_000_000))
            probe.verify()  # checks the whole file's structure; the image must be opened again after
            upload.seek(0)
            img = Image.open(upload)
            img.load()  # decode every pixel: a truncated file fails here
    except ReportError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise not_image from None

    gps = None
    if keep_location:
        gps = img.getexif().get_ifd(ExifTags.IFD.GPSInfo) or None
    img = ImageOps.exif_transpose(img)  # keep the picture upright once the orientation tag is gone
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGBA").convert("RGB") if "A" in img.mode or img.mode == "P" else img.convert("RGB")
    img.thumbnail((STORE_LONG_SIDE, STORE_LONG_SIDE))
    out = io.BytesIO()
    params = {"quality": JPEG_QUALITY, "optimize": True}
    if gps:
        exif = Image.Exif()
        exif[ExifTags.IFD.GPSInfo] = gps
        params["exif"] = exif.tobytes()
    img.save(out, "JPEG", **params)
    return Processed(out.getvalue(), img.width, img.height)


def store(photo_id, data: bytes) -> str:
    rel = f"reports/{str(photo_id)[:2]}/{photo_id}.jpg"
    path = media_root() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return rel


def remove(rel: str) -> None:
    (media_root() / rel).unlink(missing_ok=True)


def open_stored(rel: str):
    path = (media_root() / rel).resolve()
    if media_root().resolve() not in path.parents:
        raise FileNotFoundError(rel)
    return path.open("rb")
