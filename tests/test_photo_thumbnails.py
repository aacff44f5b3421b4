"""Photos are shown as thumbnails (at most 30 KB) on report and difficulty pages, the full photo on
a tap; a photo stored before thumbnails existed gets one on its first request; a thumbnail is seen
by exactly those who may see its photo, and goes with it."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageFilter

from sampark.core import files
from sampark.difficulties import services as difficulty_services
from sampark.reports import services as report_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def camera_photo(size=(1600, 1200)) -> SimpleUploadedFile:
    """A photo with a camera's grain and light, so its JPEG is as heavy as a real one."""
    grain = Image.effect_noise(size, 60).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    light = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    Image.blend(grain, light, 0.5).save(out, "JPEG", quality=90)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def report_photo(world):
    report, _ = report_services.submit_report(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth,
                                              type="meeting", date=timezone.localdate(), values={"attendance": 9})
    photo, _ = report_services.add_photo(world.gaya_worker, report, photo_id=uuid.uuid4(), upload=camera_photo())
    return photo


def test_a_report_page_shows_a_light_thumbnail_and_links_the_full_photo(client, world, login_as, report_photo,
                                                                          media):
    thumb = media / files.thumb_path(report_photo.file)
    assert thumb.is_file()  # made at upload
    login_as(world.gaya_worker)
    page = client.get(f"/reports/r/{report_photo.report_id}/")
    html = page.content.decode()
    thumb_url, full_url = f"/reports/photos/{report_photo.pk}/thumb/", f"/reports/photos/{report_photo.pk}/"
    assert f'src="{thumb_url}"' in html and f'href="{full_url}"' in html and f'src="{full_url}"' not in html
    r = client.get(thumb_url)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    data = body(r)
    img = Image.open(io.BytesIO(data))
    assert max(img.size) == files.THUMB_LONG_SIDE and img.size == (report_photo.thumb_width,
                                                                     report_photo.thumb_height)
    assert len(data) <= files.THUMB_MAX_BYTES and not img.getexif()
    full = body(client.get(full_url))
    # What the page costs on a phone: its HTML and the thumbnail, against the full photo before.
    assert len(page.content) + len(data) < len(page.content) + len(full) // 4
    print(f"\nreport page {len(page.content)} B + thumbnail {len(data)} B; before: + photo {len(full)} B")


def test_a_photo_stored_before_thumbnails_gets_one_on_its_first_request(client, world, login_as, report_photo,
                                                                        media):
    thumb = media / files.thumb_path(report_photo.file)
    thumb.unlink()
    login_as(world.gaya_coord)
    r = client.get(f"/reports/photos/{report_photo.pk}/thumb/")
    assert r.status_code == 200 and thumb.is_file() and len(body(r)) <= files.THUMB_MAX_BYTES


def test_another_district_gets_404_for_the_thumbnail_and_makes_none(client, world, login_as, report_photo, media):
    thumb = media / files.thumb_path(report_photo.file)
    thumb.unlink()
    login_as(world.patna_coord)
    assert client.get(f"/reports/photos/{report_photo.pk}/thumb/").status_code == 404
    assert not thumb.exists()


def test_a_difficulty_photo_has_a_thumbnail_seen_only_where_the_difficulty_is(client, world, login_as, media):
    d, _ = difficulty_services.raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth,
                                                category="content", text="पोस्टर फट गए", photo=camera_photo())
    login_as(world.gaya_coord)
    page = client.get(f"/difficulties/{d.pk}/").content.decode()
    assert f'src="/difficulties/{d.pk}/photo/thumb/"' in page and f'href="/difficulties/{d.pk}/photo/"' in page
    r = client.get(f"/difficulties/{d.pk}/photo/thumb/")
    assert r.status_code == 200 and len(body(r)) <= files.THUMB_MAX_BYTES
    login_as(world.patna_coord)
    assert client.get(f"/difficulties/{d.pk}/photo/thumb/").status_code == 404


def test_removing_a_photo_removes_its_thumbnail(report_photo, media):
    photo, thumb = media / report_photo.file, media / files.thumb_path(report_photo.file)
    assert photo.is_file() and thumb.is_file()
    files.remove(report_photo.file)
    assert not photo.exists() and not thumb.exists()


def test_a_grainy_photo_still_fits_by_a_lower_quality(media):
    noise = Image.effect_noise((1600, 1200), 90).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    rel = files.store_photo("reports", files.Clean(out.getvalue(), "image/jpeg", "jpg", 1600, 1200))
    assert (media / files.thumb_path(rel)).stat().st_size <= files.THUMB_MAX_BYTES
