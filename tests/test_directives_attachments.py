"""Directive attachments (PDF, images; checked by content; served only through a visibility check),
the required action linked to a report type, and bad input on the compose page and the API."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from sampark.directives import attachments, authoring
from sampark.directives.models import Attachment, Directive, Revision
from sampark.org.models import Unit
from tests.personas import log_in
from tests.test_openapi import check, response_schema


def check_post(response, template: str, status: int) -> dict:
    """As tests.test_openapi.check, for a POST operation."""
    from jsonschema import Draft202012Validator

    assert response.status_code == status, response.content[:300]
    errors = list(Draft202012Validator(response_schema(template, status, "post")).iter_errors(response.json()))
    assert not errors, [e.message for e in errors[:5]]
    return response.json()

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(size=(40, 30), color=(200, 60, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()]


def compose(client, world, files=(), **extra):
    due = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"target_unit": world.patna.pk, "title": "पटना: बूथ बैठक", "body": "संलग्न पत्र देखें।",
            "priority": "normal", "requires_ack": "on", "due_at": due, "publish": "1",
            "required_action": "बूथ बैठक करें और रिपोर्ट भेजें", "required_report_type": "meeting"}
    data.update(extra)
    if files:
        data["attachments"] = list(files)
    return client.post("/directives/new/", data)


def test_compose_with_attachments_and_only_the_audience_can_download(world, media):
    admin = log_in(Client(), world.state_admin)
    r = compose(admin, world, files=[upload("circular.pdf", PDF, "application/pdf"),
                                     upload("poster.jpg", png(), "image/jpeg")])  # the name lies: it is a PNG
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Directive.objects.get()
    pdf, image = d.attachments.order_by("pk")
    assert (pdf.name, pdf.content_type, pdf.size) == ("circular.pdf", "application/pdf", len(PDF))
    assert (image.name, image.content_type) == ("poster.jpg", "image/png")
    assert all(Path(media, a.file).is_file() and a.file.startswith("directives/") for a in (pdf, image))

    worker = log_in(Client(), world.patna_worker)
    page = worker.get(f"/directives/{d.pk}/").content.decode()
    url = f"/directives/{d.pk}/files/{pdf.pk}/"
    assert url in page and "circular.pdf" in page and "poster.jpg" in page
    got = worker.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content) == PDF
    assert "attachment" in got["Content-Disposition"] and got["X-Content-Type-Options"] == "nosniff"
    img = worker.get(f"/directives/{d.pk}/files/{image.pk}/")
    assert img.status_code == 200 and img["Content-Type"] == "image/png"

    # Patna-only: the Gaya coordinator and the UP coordinator get 404, as does a wrong directive id.
    for outsider in (world.gaya_coord, world.up_coord, world.gaya_worker):
        assert log_in(Client(), outsider).get(url).status_code == 404, outsider
    other = authoring.create_directive(world.state_admin, target_unit=world.gaya, title="Gaya")
    assert worker.get(f"/directives/{other.pk}/files/{pdf.pk}/").status_code == 404
    assert worker.get(f"/directives/{d.pk}/files/999999/").status_code == 404
    # Not served as public media either.
    assert Client().get("/media/" + pdf.file).status_code == 404


def test_the_required_action_links_to_the_report_form_for_its_type(world):
    admin = log_in(Client(), world.state_admin)
    assert compose(admin, world).status_code == 302
    d = Directive.objects.get()
    assert d.required_action == "बूथ बैठक करें और रिपोर्ट भेजें" and d.required_report_type.code == "meeting"
    page = log_in(Client(), world.patna_worker).get(f"/directives/{d.pk}/").content.decode()
    assert "बूथ बैठक करें और रिपोर्ट भेजें" in page
    assert f'href="/reports/new/?type=meeting&amp;unit={world.patna_booth.pk}"' in page
    # The report form it points to opens for the worker.
    assert log_in(Client(), world.patna_worker).get(f"/reports/new/?type=meeting&unit={world.patna_booth.pk}"
                                                    ).status_code == 200


@pytest.mark.parametrize("name,data,message", [
    ("big.pdf", PDF + b"0" * attachments.MAX_BYTES, "5 MB"),
    ("empty.pdf", b"", "empty"),
    ("notes.pdf", b"just some text, not a PDF", "not a PDF or an image"),
    ("virus.png", b"MZ\x90\x00" + b"\x00" * 100, "not a PDF or an image"),
    ("broken.png", png()[:60], "not a PDF or an image"),
    ("half.pdf", b"%PDF-1.4\n1 0 obj<<>>", "incomplete"),
])
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_written(world, media, name, data, message):
    admin = log_in(Client(), world.state_admin)
    admin.cookies["sampark_lang"] = "en"
    r = compose(admin, world, files=[upload("fine.pdf", PDF), upload(name, data)])
    assert r.status_code == 400
    assert message in r.content.decode() and name in r.content.decode()
    assert not Directive.objects.exists() and not Attachment.objects.exists() and not stored_files(media)


def test_api_attach_only_the_author_only_draft_or_as_a_new_revision(client, world, api_as, media):
    admin = api_as(world.state_admin)
    did = client.post("/api/v1/directives", {"title": "Circular", "target_unit": world.patna.pk,
                                             "required_report_type": "meeting", "required_action": "Meet"},
                      content_type="application/json", **admin).json()["id"]
    url = f"/api/v1/directives/{did}/attachments"
    r = client.post(url, {"file": upload("a.pdf", PDF)}, **admin)
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "application/pdf" and r.json()["url"].startswith(f"/directives/{did}/files/")
    assert Directive.objects.get(pk=did).revision == 1  # a draft: no new revision

    # Others: 404 (the Patna coordinator cannot see the draft; Gaya and UP never see it).
    for person in (world.patna_coord, world.gaya_coord, world.up_coord, world.patna_worker):
        assert client.post(url, {"file": upload("x.pdf", PDF)}, **api_as(person)).status_code == 404

    client.post(f"/api/v1/directives/{did}/publish", **admin)
    # A reader in the audience may see it but not attach: 404 as for any other author-only step.
    assert client.post(url, {"file": upload("x.pdf", PDF)}, **api_as(world.patna_coord)).status_code == 404
    r = client.post(url, {"file": upload("map.png", png())}, **admin)
    check_post(r, "/api/v1/directives/{directive_id}/attachments", 201)
    d = Directive.objects.get(pk=did)
    assert d.revision == 2 and d.edited_at is not None and Revision.objects.filter(directive=d).count() == 2
    shown = check(client.get(f"/api/v1/directives/{did}", **api_as(world.patna_worker)),
                  "/api/v1/directives/{directive_id}")
    assert [a["name"] for a in shown["attachments"]] == ["a.pdf", "map.png"]
    assert shown["required_report_type"] == "meeting" and shown["required_action"] == "Meet"

    # Bad files and a missing file: clear messages, nothing written.
    for data, status in ((b"", 422), (b"hello", 422), (PDF + b"0" * attachments.MAX_BYTES, 413)):
        r = client.post(url, {"file": upload("bad.pdf", data)}, **admin)
        assert r.status_code == status and r.json()["detail"], data[:10]
    r = client.post(url, {}, **admin)
    assert check_post(r, "/api/v1/directives/{directive_id}/attachments", 422)["detail"]
    for i in range(3):
        assert client.post(url, {"file": upload(f"{i}.pdf", PDF)}, **admin).status_code == 201
    r = client.post(url, {"file": upload("sixth.pdf", PDF)}, **admin)
    assert r.status_code == 422 and "5" in r.json()["detail"]
    assert Attachment.objects.filter(directive_id=did).count() == 5 and len(stored_files(media)) == 5


def test_attachment_download_for_an_author_draft_only(world):
    d = authoring.create_directive(world.state_admin, target_unit=world.patna, title="Draft",
                                  attachments=[upload("a.pdf", PDF)])
    a = d.attachments.get()
    url = f"/directives/{d.pk}/files/{a.pk}/"
    assert log_in(Client(), world.state_admin).get(url).status_code == 200
    assert log_in(Client(), world.patna_worker).get(url).status_code == 404  # not published yet


def test_api_required_report_type_must_exist(client, world, api_as):
    r = client.post("/api/v1/directives", {"title": "X", "target_unit": world.patna.pk,
                                           "required_report_type": "no-such-type"},
                    content_type="application/json", **api_as(world.state_admin))
    assert r.status_code == 422 and "no-such-type" in r.json()["detail"]
    assert not Directive.objects.exists()


@pytest.mark.parametrize("extra,message", [
    ({"title": "   "}, "This field is required."),
    ({"due_at": "2020-01-01T10:00"}, "The due time must be in the future."),
    ({"levels": ["galaxy"]}, "galaxy"),
    ({"roles": ["king"]}, "king"),
    ({"teams": ["cricket"]}, "cricket"),
    ({"required_report_type": "nope"}, "nope"),
    ({"target_unit": "UP"}, "Select a valid choice."),
])
def test_compose_page_bad_input_gets_a_clear_message_and_writes_nothing(world, media, extra, message):
    if extra.get("target_unit") == "UP":
        extra = {"target_unit": Unit.objects.get(pk=world.up.pk).pk}
    admin = log_in(Client(), world.state_admin)
    admin.cookies["sampark_lang"] = "en"
    r = compose(admin, world, files=[upload("a.pdf", PDF)], **extra)
    assert r.status_code == 400
    assert message in r.content.decode(), r.content.decode()[-3000:]
    assert not Directive.objects.exists() and not stored_files(media)


def test_compose_page_messages_are_in_hindi_by_default(world):
    admin = log_in(Client(), world.state_admin)
    r = compose(admin, world, title="")
    assert r.status_code == 400 and 'class="error"' in r.content.decode()
    assert not Directive.objects.exists()


def test_api_bad_codes_and_invisible_target_write_nothing(client, world, api_as):
    admin = api_as(world.state_admin)
    base = {"title": "X", "target_unit": world.patna.pk}
    for extra, status in (({"teams": ["cricket"]}, 422), ({"target_unit": world.lucknow.pk}, 404),
                          ({"title": ""}, 422), ({"due_at": "2020-01-01T00:00:00+05:30"}, 422)):
        r = client.post("/api/v1/directives", {**base, **extra}, content_type="application/json", **admin)
        assert r.status_code == status, (extra, r.content)
    assert not Directive.objects.exists()


def test_a_crash_after_the_files_are_stored_leaves_neither_rows_nor_files(world, media, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("crash after the files were written")

    monkeypatch.setattr(authoring.audit, "record", boom)
    with pytest.raises(RuntimeError):
        authoring.create_directive(world.state_admin, target_unit=world.patna, title="Crash",
                                  attachments=[upload("a.pdf", PDF), upload("b.png", png())])
    assert not Directive.objects.exists() and not Attachment.objects.exists() and not stored_files(media)
    monkeypatch.undo()
    d = authoring.create_directive(world.state_admin, target_unit=world.patna, title="Fine")
    monkeypatch.setattr(authoring.audit, "record", boom)
    with pytest.raises(RuntimeError):
        authoring.add_attachment(world.state_admin, d, upload("c.pdf", PDF))
    assert not Attachment.objects.exists() and not stored_files(media)


def test_the_author_attaches_on_the_page_and_others_get_404(world, media):
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.patna, title="Page attach"))
    admin = log_in(Client(), world.state_admin)
    assert 'enctype="multipart/form-data"' in admin.get(f"/directives/{d.pk}/").content.decode()
    r = admin.post(f"/directives/{d.pk}/attach/", {"file": upload("plan.pdf", PDF)})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.revision == 2 and d.attachments.get().name == "plan.pdf"
    page = log_in(Client(), world.patna_worker).get(f"/directives/{d.pk}/").content.decode()
    assert "plan.pdf" in page and f"/directives/{d.pk}/files/" in page
    for person in (world.patna_worker, world.gaya_coord, world.up_coord):
        c = log_in(Client(), person)
        assert c.post(f"/directives/{d.pk}/attach/", {"file": upload("x.pdf", PDF)}).status_code == 404, person
    assert d.attachments.count() == 1 and len(stored_files(media)) == 1


def test_directive_page_queries_do_not_grow_with_attachments(world, django_assert_max_num_queries):
    counts = []
    for n in (1, 5):
        d = authoring.publish_directive(world.state_admin, authoring.create_directive(
            world.state_admin, target_unit=world.patna, title=f"{n} files",
            attachments=[upload(f"{i}.pdf", PDF) for i in range(n)]))
        worker = log_in(Client(), world.patna_worker)
        worker.get(f"/directives/{d.pk}/")  # the first open records the read
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            page = worker.get(f"/directives/{d.pk}/").content.decode()
        assert page.count(f"/directives/{d.pk}/files/") == 2 * n
        counts.append(len(ctx))
    assert counts[0] == counts[1] and counts[1] <= 10, counts
