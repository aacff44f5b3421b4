"""Report photos: real images only, size and pixel limits with clear errors, location stripped."""

import io
import json
import os
import uuid

import pytest
from django.utils import timezone
from PIL import ExifTags, Image

from sampark.core import files
from sampark.reports.models import ReportPhoto

pytestmark = pytest.mark.django_db

GPS = {1: "N", 2: (24.0, 41.0, 45.0), 3: "E", 4: (84.0, 59.0, 30.0)}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def report_id(client, world, api_as):
    rid = str(uuid.uuid4())
    r = client.post("/api/v1/reports", json.dumps({
        "id": rid, "unit": world.gaya_booth.pk, "type": "meeting", "date": timezone.localdate().isoformat(),
        "values": {"attendance": 12}}), content_type="application/json", **api_as(world.gaya_worker))
    assert r.status_code == 201
    return rid


def upload(client, headers, rid, data: bytes, name="photo.jpg", pid=None):
    f = io.BytesIO(data)
    f.name = name
    # Messages checked in English here (the language switch's cookie); the Hindi comes from the catalogue.
    client.cookies["sampark_lang"] = "en"
    return client.post(f"/api/v1/reports/{rid}/photos", {"id": pid or str(uuid.uuid4()), "file": f},
                       HTTP_ACCEPT_LANGUAGE="en", **headers)


def jpeg_with_gps(size=(120, 90)) -> bytes:
    img = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def stored_exif(media):
    (photo,) = ReportPhoto.objects.all()
    img = Image.open(media / photo.file)
    return img.getexif()


def test_location_is_stripped_by_default(client, world, api_as, report_id, media):
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has it
    r = upload(client, api_as(world.gaya_worker), report_id, data)
    assert r.status_code == 201, r.content
    exif = stored_exif(media)
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert 0x010F not in exif


def test_no_setting_keeps_the_location(client, world, api_as, report_id, media):
    # Issue 12: the organisation's option to keep it in report photos is gone with its table.
    from django.apps import apps

    assert not any(m.__name__ == "ReportSettings" for m in apps.get_app_config("reports").get_models())
    r = upload(client, api_as(world.gaya_worker), report_id, jpeg_with_gps())
    assert r.status_code == 201, r.content
    assert not stored_exif(media).get_ifd(ExifTags.IFD.GPSInfo)


def test_corrupted_photo_gets_clear_error(client, world, api_as, report_id, media, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it on import
    good = jpeg_with_gps((400, 300))
    corrupted = good[:len(good) // 2]
    r = upload(client, api_as(world.gaya_worker), report_id, corrupted)
    assert r.status_code == 422
    assert "damaged" in r.json()["detail"]
    r = upload(client, api_as(world.gaya_worker), report_id, b"%PDF-1.4 not a photo", name="x.jpg")
    assert r.status_code == 422
    assert ReportPhoto.objects.count() == 0
    assert not list(media.rglob("*.jpg")) if media.exists() else True


def test_30_mb_file_refused_before_reading(client, world, api_as, report_id, media):
    big = os.urandom(1024) * (30 * 1024)
    r = upload(client, api_as(world.gaya_worker), report_id, big)
    assert r.status_code == 413
    assert "5 MB" in r.json()["detail"]
    assert ReportPhoto.objects.count() == 0


def test_just_over_the_limit_is_cut_off_while_streaming(client, world, api_as, report_id):
    # The declared length passes the first check; the upload handler stops it once past 5 MB.
    r = upload(client, api_as(world.gaya_worker), report_id, b"\xff" * (files.MAX_BYTES + 10_000))
    assert r.status_code == 413
    assert "5 MB" in r.json()["detail"]


def test_too_many_pixels(client, world, api_as, report_id):
    out = io.BytesIO()
    Image.new("L", (8000, 6000)).save(out, "PNG")  # 48 megapixels, a small file
    r = upload(client, api_as(world.gaya_worker), report_id, out.getvalue(), name="big.png")
    assert r.status_code == 422
    assert "megapixels" in r.json()["detail"]


def test_only_author_or_leader_adds_photos_and_outsiders_get_404(client, world, api_as, report_id):
    data = jpeg_with_gps()
    assert upload(client, api_as(world.patna_coord), report_id, data).status_code == 404
    assert upload(client, api_as(world.gaya_coord), report_id, data).status_code == 201


def test_a_busy_server_answers_503_so_the_phone_retries(client, world, api_as, report_id, settings, monkeypatch):
    settings.SAMPARK_MAX_IMAGE_DECODES = 1
    monkeypatch.setattr(files, "DECODE_WAIT_SECONDS", 0.05)
    slot = files._slots(1)
    assert slot.acquire(timeout=1)
    try:
        r = upload(client, api_as(world.gaya_worker), report_id, jpeg_with_gps())
    finally:
        slot.release()
    assert r.status_code == 503 and "busy" in r.json()["detail"]
    assert ReportPhoto.objects.count() == 0
