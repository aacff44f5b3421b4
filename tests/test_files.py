"""Uploaded files (sampark.core.files): real images only, metadata stripped, random names, and
served only after a visibility check. The three flows (report photos, directive attachments,
difficulty photos) go through it."""

import io
import re
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from PIL import ExifTags, Image

from sampark.core import files
from sampark.difficulties.models import Difficulty
from sampark.difficulties.services import raise_difficulty
from sampark.directives.models import Attachment
from tests.personas import log_in

GPS = {1: "N", 2: (24.0, 41.0, 45.0), 3: "E", 4: (84.0, 59.0, 30.0)}
NOT_A_PHOTO = "This file is not a photo we can read (JPEG, PNG or WebP), or it is damaged."
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg_with_gps(size=(120, 90), orientation=None) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A valid little PNG whose header claims the given size: a decompression bomb's shape."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def upload(name: str, data: bytes, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def no_metadata(path) -> bool:
    img = Image.open(path)
    exif = img.getexif()
    return not exif.get_ifd(ExifTags.IFD.GPSInfo) and 0x010F not in exif and "exif" not in img.info


# --- the module ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name,data", [("x.png", HTML), ("x.png", SVG), ("x.html", HTML), ("x.svg", SVG)])
def test_html_or_svg_sent_as_an_image_is_refused(name, data):
    with pytest.raises(files.Rejected) as photo:
        files.clean_photo(upload(name, data, "image/png"))
    assert photo.value.reason == "not_image" and photo.value.status == 422
    with pytest.raises(files.Rejected) as image:
        files.clean_image(data)
    assert image.value.reason == "not_image"


def test_gps_and_exif_are_gone_and_the_photo_stays_upright():
    data = jpeg_with_gps(orientation=6)  # the camera was held on its side
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    photo = files.clean_photo(upload("x.jpg", data))
    assert no_metadata(io.BytesIO(photo.data))
    assert (photo.width, photo.height) == (90, 120) and photo.content_type == "image/jpeg"
    image = files.clean_image(data)
    assert no_metadata(io.BytesIO(image.data)) and (image.width, image.height) == (90, 120)


def test_no_upload_can_keep_the_location():
    # Issue 12: keeping the GPS location was an option for report photos; no upload keeps it now.
    import inspect

    assert "keep_location" not in inspect.signature(files.clean_photo).parameters
    photo = files.clean_photo(upload("x.jpg", jpeg_with_gps()))
    assert no_metadata(io.BytesIO(photo.data))


@pytest.mark.parametrize("fmt,content_type", [("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/png")])
def test_an_image_keeps_its_format_but_not_its_metadata(fmt, content_type):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    params = {"exif": exif.tobytes()} if fmt != "GIF" else {"comment": b"secret place"}
    Image.new("RGB", (40, 30), (200, 60, 20)).save(out, fmt, **params)
    cleaned = files.clean_image(out.getvalue())
    assert cleaned.content_type == content_type
    img = Image.open(io.BytesIO(cleaned.data))
    assert not img.getexif().get_ifd(ExifTags.IFD.GPSInfo) and "comment" not in img.info


@pytest.mark.parametrize("width,height", [(8000, 6000), (100_000, 100_000)])
def test_a_decompression_bomb_is_refused_from_its_header(width, height):
    data = png_claiming(width, height)
    assert len(data) < 200
    with pytest.raises(files.Rejected) as exc:
        files.clean_photo(upload("bomb.png", data, "image/png"))
    assert exc.value.reason == "too_many_pixels"
    with pytest.raises(files.Rejected) as exc:
        files.clean_image(data)
    assert exc.value.reason == "too_many_pixels"


def test_too_many_bytes_are_refused_without_reading_them_all():
    class Endless(io.RawIOBase):
        size = None
        read_bytes = 0

        def readable(self):
            return True

        def seek(self, *args):
            return 0

        def read(self, n=-1):
            self.read_bytes += n
            return b"\xff" * n

    source = Endless()
    with pytest.raises(files.Rejected) as exc:
        files.read_upload(source, max_bytes=1024 * 1024)
    assert exc.value.status == 413 and source.read_bytes == 1024 * 1024 + 1


def test_stored_names_are_random_and_stay_inside_their_folder(media):
    clean = files.clean_photo(upload("my-home-address.jpg", jpeg_with_gps()))
    first, second = files.store("reports", clean), files.store("reports", clean)
    assert first != second
    for rel in (first, second):
        assert re.fullmatch(rf"reports/{timezone.localdate():%Y/%m}/[0-9a-f]{{32}}\.jpg", rel), rel
        assert (media / rel).is_file()
    for bad in ("reports/../../etc/passwd", "../reports/x.jpg", "/etc/passwd", "", first + "x"):
        with pytest.raises(FileNotFoundError):
            files.stored_path(bad)


def test_serve_file_headers_and_revalidation(media):
    rel = files.store("reports", files.clean_photo(upload("x.jpg", jpeg_with_gps())))
    request = RequestFactory().get("/")
    r = files.serve_file(request, rel)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff" and r["Cache-Control"].startswith("private")
    assert r["Content-Disposition"].startswith("inline")
    again = files.serve_file(RequestFactory().get("/", HTTP_IF_MODIFIED_SINCE=r["Last-Modified"]), rel)
    assert again.status_code == 304
    pdf = files.store("directives", files.sniff_document(b"%PDF-1.4\n%%EOF\n"))
    assert files.serve_file(request, pdf, filename="पत्र.pdf")["Content-Disposition"].startswith("attachment")
    from django.http import Http404

    with pytest.raises(Http404):
        files.serve_file(request, "reports/../../secret")


# --- the three flows ----------------------------------------------------------------------------


def raise_form(client, world, photo, **extra):
    page = client.get("/difficulties/new/")
    data = {"id": str(page.context["key"]), "unit": world.gaya_booth.pk, "category": "technical",
            "text": "ऐप नहीं खुल रहा", "photo": photo}
    data.update(extra)
    return client.post("/difficulties/new/", data)


@pytest.mark.parametrize("name,data", [("poster.png", HTML), ("poster.png", SVG), ("poster.svg", SVG)])
def test_difficulty_photo_that_is_html_or_svg_is_refused_in_hindi(world, media, name, data):
    c = log_in(Client(), world.gaya_worker)
    r = raise_form(c, world, upload(name, data, "image/png"))
    with translation.override("hi"):
        hindi = translation.gettext(NOT_A_PHOTO)
    assert hindi != NOT_A_PHOTO
    assert r.status_code == 400 and hindi in r.content.decode()
    assert not Difficulty.objects.exists() and not [p for p in Path(media).rglob("*") if p.is_file()]


def test_difficulty_photo_is_stripped_and_only_its_viewers_see_it(world, media):
    gaya_worker = log_in(Client(), world.gaya_worker)
    r = raise_form(gaya_worker, world, upload("my-village-house.jpg", jpeg_with_gps()))
    assert r.status_code == 302
    d = Difficulty.objects.get()
    assert re.fullmatch(r"difficulties/\d{4}/\d\d/[0-9a-f]{32}\.jpg", d.photo.name), d.photo.name
    assert no_metadata(media / d.photo.name)

    url = f"/difficulties/{d.pk}/photo/"
    assert url in gaya_worker.get(f"/difficulties/{d.pk}/").content.decode()
    for person in (world.gaya_worker, world.gaya_coord, world.state_admin):
        got = log_in(Client(), person).get(url)
        assert got.status_code == 200, person
        assert got["Content-Type"] == "image/jpeg" and got["X-Content-Type-Options"] == "nosniff"
        assert no_metadata(io.BytesIO(b"".join(got.streaming_content)))
    for person in (world.patna_coord, world.patna_worker, world.up_coord):
        assert log_in(Client(), person).get(url).status_code == 404, person
    assert Client().get("/media/" + d.photo.name).status_code == 404


def test_difficulty_without_a_photo_has_no_photo_url(world):
    d, _ = raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, category="technical",
                            text="x", now=timezone.now())
    assert log_in(Client(), world.gaya_coord).get(f"/difficulties/{d.pk}/photo/").status_code == 404


def test_directive_image_attachment_is_stripped(world, media):
    from tests.test_directives_attachments import compose

    admin = log_in(Client(), world.state_admin)
    assert compose(admin, world, files=[upload("rally.jpg", jpeg_with_gps())]).status_code == 302
    a = Attachment.objects.get()
    assert a.content_type == "image/jpeg" and a.name == "rally.jpg" and "rally" not in a.file
    assert no_metadata(media / a.file) and a.size == (media / a.file).stat().st_size


def test_report_photo_is_stripped_through_the_module(client, world, api_as, media, monkeypatch):
    import json

    calls = []
    real = files.clean_photo
    monkeypatch.setattr(files, "clean_photo", lambda *a, **k: calls.append(1) or real(*a, **k))
    rid = str(uuid.uuid4())
    h = api_as(world.gaya_worker)
    assert client.post("/api/v1/reports", json.dumps({
        "id": rid, "unit": world.gaya_booth.pk, "type": "meeting", "date": timezone.localdate().isoformat(),
        "values": {"attendance": 12}}), content_type="application/json", **h).status_code == 201
    f = io.BytesIO(jpeg_with_gps())
    f.name = "family.jpg"
    r = client.post(f"/api/v1/reports/{rid}/photos", {"id": str(uuid.uuid4()), "file": f}, **h)
    assert r.status_code == 201, r.content
    from sampark.reports.models import ReportPhoto

    (photo,) = ReportPhoto.objects.all()
    assert calls == [1] and "family" not in photo.file and no_metadata(media / photo.file)


# --- issue 12, finding 4: the pixel cap before decoding, and a bounded number of decodes -------


def png_6300() -> bytes:
    """A 6300x6300 RGB PNG with some content, about 150 KB: just under the old 40 MP cap."""
    img = Image.new("RGB", (6300, 6300), (240, 240, 240))
    for x in range(0, 6300, 97):
        img.paste((x % 256, 40, 200), (x, 0, x + 3, 6300))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_too_many_pixels_are_refused_from_the_header_without_decoding(fmt):
    import time

    if fmt == "PNG":
        data = png_6300()
        assert len(data) < 200_000
    else:
        out = io.BytesIO()
        Image.new("RGB", (6300, 6300), (10, 120, 200)).save(out, fmt)
        data = out.getvalue()
    made = Image.core.get_stats()["new_count"]  # Pillow counts every image memory it allocates
    started = time.monotonic()
    for clean in (lambda: files.clean_photo(upload("big", data)), lambda: files.clean_image(data)):
        with pytest.raises(files.Rejected) as exc:
            clean()
        assert exc.value.reason == "too_many_pixels" and exc.value.status == 422
    assert time.monotonic() - started < 1
    assert Image.core.get_stats()["new_count"] == made


def _record_concurrency(monkeypatch, hold: float):
    import threading
    import time

    state = {"now": 0, "max": 0}
    lock = threading.Lock()
    real = files._load

    def counting(*args, **kwargs):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        try:
            time.sleep(hold)
            return real(*args, **kwargs)
        finally:
            with lock:
                state["now"] -= 1

    monkeypatch.setattr(files, "_load", counting)
    return state


@pytest.mark.parametrize("n", [1, 2, 3])
def test_at_most_n_images_are_decoded_at_once(settings, monkeypatch, n):
    import threading

    settings.SAMPARK_MAX_IMAGE_DECODES = n
    state = _record_concurrency(monkeypatch, hold=0.15)
    data = jpeg_with_gps()
    results, failures = [], []

    def one(i):
        try:
            results.append(files.clean_photo(upload("x.jpg", data)) if i % 2 else files.clean_image(data))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            failures.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and len(results) == 6
    assert state["max"] == n  # never more, and the slots are really used in parallel


def test_an_upload_that_waits_too_long_is_told_the_server_is_busy(settings, monkeypatch):
    settings.SAMPARK_MAX_IMAGE_DECODES = 1
    monkeypatch.setattr(files, "DECODE_WAIT_SECONDS", 0.05)
    slot = files._slots(1)
    assert slot.acquire(timeout=1)  # another upload is being decoded
    try:
        with pytest.raises(files.Rejected) as exc:
            files.clean_photo(upload("x.jpg", jpeg_with_gps()))
        assert exc.value.status == 503 and exc.value.reason == "busy"
        with translation.override("hi"):
            assert "व्यस्त" in files.busy_message()
        # A bomb is still refused at once, without waiting for a slot.
        with pytest.raises(files.Rejected) as bomb:
            files.clean_photo(upload("bomb.png", png_claiming(100_000, 100_000)))
        assert bomb.value.reason == "too_many_pixels"
    finally:
        slot.release()
    assert files.clean_photo(upload("x.jpg", jpeg_with_gps())).content_type == "image/jpeg"


def test_strict_decoding_is_restored_after_overlapping_decoders(monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it
    outer, inner = files.strict_decoding(), files.strict_decoding()
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # the inner decoder still runs
    inner.__exit__(None, None, None)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
