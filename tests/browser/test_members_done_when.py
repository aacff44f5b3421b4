"""Issue 13, done when, in one walk on 360 px phones in Hindi: Patna's coordinator adds a member, gives
a post, corrects the name, moves the member to another booth of the district and asks to move another
member to Gaya, which the state coordinator approves; the new member logs in, reads the notice,
consents, downloads their data and asks for erasure; once it takes effect neither their name nor
their phone is anywhere in a dump of the database; `sampark audit verify` passes, and fails after a
row is changed by hand."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sampark.core.models import AuditEntry
from sampark.org.models import Level, Unit
from sampark.org.services import create_unit
from sampark.people.models import ErasureRequest, Person, Post, TransferRequest, TransferStatus
from tests.browser.test_phone_flow import ask_code, assert_devanagari_glyphs, enter_code
from tests.personas import log_in_browser
from tests.test_erasure_dump import dump

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NAME_HI, NAME_EN, NAME_FIXED = "सुरेशकांत पसवान", "Sureshkant Paswan", "सुरेशकांत पासवान"
PHONE_TYPED, PHONE = "98765 43019", "+919876543019"


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def said(page) -> str:
    return page.locator("main").inner_text()


def test_a_member_from_added_to_erased(live_server, world, new_phone, shot, tmp_path):
    base = live_server.url
    booth_3 = create_unit(None, parent=Unit.objects.get(pk=world.patna_booth.parent_id),
                          level=Level.objects.get(code="booth"), name_hi="बूथ 3", name_en="Booth 3")

    # Patna's coordinator adds a member at booth 1; a bad number first.
    coord = new_phone()
    log_in_browser(coord.context, base, world.patna_coord)
    coord.goto(f"{base}/people/new/?unit={world.patna_booth.pk}")
    assert coord.locator("h1").inner_text() == "सदस्य जोड़ें"
    coord.fill("#name_hi", NAME_HI)
    coord.fill("#name_en", NAME_EN)
    coord.fill("#phone", "12345")
    coord.locator("main form button[type=submit]").click()
    coord.wait_for_load_state()
    assert coord.locator("[role=alert]").is_visible() and Person.objects.filter(name_en=NAME_EN).count() == 0
    assert coord.input_value("#name_hi") == NAME_HI  # nothing typed is lost
    coord.fill("#phone", PHONE_TYPED)
    coord.locator("main form button[type=submit]").click()
    coord.wait_for_url("**/people/*/")
    member = Person.objects.get(phone=PHONE)
    assert "सदस्य जोड़ा गया" in said(coord) and "+91 98XXX XX019" in said(coord)
    assert_devanagari_glyphs(coord)
    fits(coord)
    shot(coord, "done-when-01-added")

    # Gives a second post (head of booth 1, organisation team) and corrects the name.
    coord.select_option("#post-unit", str(world.patna_booth.pk))
    coord.select_option("#post-role", "head")
    coord.locator("form[action$='/posts/'] button").click()
    coord.wait_for_load_state()
    assert Post.objects.filter(person=member, unit=world.patna_booth, role="head", active=True).exists()
    coord.fill("#name_hi", NAME_FIXED)
    coord.locator("form[action$='/edit/'] button").click()
    coord.wait_for_load_state()
    assert coord.locator("h1").inner_text() == NAME_FIXED

    # Moves the worker's post to booth 3 of the same district.
    worker_post = Post.objects.get(person=member, role="worker", active=True)
    coord.select_option(f"#move-{worker_post.pk}", str(booth_3.pk))
    coord.locator(f"form[action$='/posts/{worker_post.pk}/move/'] button").click()
    coord.wait_for_load_state()
    assert Post.objects.filter(person=member, unit=booth_3, role="worker", active=True).exists()
    assert "बूथ 3" in coord.locator("#posts-active").inner_text()
    fits(coord)
    shot(coord, "done-when-02-moved")

    # Asks to move another member (the booth worker) to a booth of Gaya; the state approves.
    coord.goto(f"{base}/people/{world.patna_worker.pk}/")
    coord.fill("#transfer-find-q", "गया")
    coord.locator("#transfer-find button").click()
    coord.wait_for_load_state()
    coord.locator("#transfer-places li").filter(has_text="ज़िला").first.locator("a", has_text="भीतर के स्थान").click()
    coord.wait_for_load_state()
    coord.fill("#transfer-q", "booth")
    coord.locator("#transfer-search button").click()
    coord.wait_for_load_state()
    coord.locator("#transfer-places li", has_text="बूथ 2").locator("button").click()
    coord.wait_for_load_state()
    assert "स्थानांतरण का अनुरोध भेजा गया" in said(coord)
    state = new_phone()
    log_in_browser(state.context, base, world.state_admin)
    state.goto(base + "/people/transfers/")
    state.locator("#transfers-waiting li").locator("button", has_text="स्वीकृत करें").click()
    state.wait_for_load_state()
    assert TransferRequest.objects.get().status == TransferStatus.APPROVED
    assert Post.objects.filter(person=world.patna_worker, unit=world.gaya_booth, active=True).exists()

    # The member logs in with a code, reads the notice and consents.
    phone = new_phone()
    enter_code(phone, ask_code(phone, base, PHONE_TYPED, PHONE))
    phone.wait_for_url("**/consent/**")
    assert phone.locator("h1").inner_text() == "निजता सूचना"
    fits(phone)
    shot(phone, "done-when-03-notice")
    phone.get_by_role("button", name="मैं सहमत हूँ").click()
    phone.wait_for_url(base + "/")
    assert NAME_FIXED in phone.locator("h1").inner_text()

    # Downloads their data: it holds their name and both posts.
    phone.goto(base + "/account/data/")
    with phone.expect_download() as got:
        phone.locator("a[href='?download=json']").click()
    path = tmp_path / "my-data.json"
    got.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["person"][0]["name_hi"] == NAME_FIXED
    assert len(data["posts"]) >= 2

    # Asks for erasure; the coordinator erases at once.
    section = phone.locator("#erasure-erase")
    section.locator("summary").click()
    section.locator("button").click()
    phone.wait_for_load_state()
    assert phone.locator("#erasure-pending").is_visible()
    fits(phone)
    shot(phone, "done-when-04-erasure-asked")
    coord.goto(base + "/people/erasures/")
    item = coord.locator("#erasures-waiting li")
    item.locator("summary").click()
    item.locator("button").click()
    coord.wait_for_load_state()
    req = ErasureRequest.objects.get(person=member)
    assert req.done_at is not None

    # Nowhere in the database any more: not the name in either spelling, not the number.
    text = dump()
    for word in ("सुरेशकांत", "पसवान", "पासवान", "Sureshkant", "Paswan", "sureshkant", PHONE, PHONE[1:],
                 PHONE[3:], PHONE_TYPED):
        assert word not in text, word
    # The posts' history stays, under the pseudonym.
    member.refresh_from_db()
    assert member.name_hi.endswith(req.pseudonym) and Post.objects.filter(person=member).count() == 3  # worker at booth 1, then 3; head

    # The audit chain holds, and breaks where a row is changed by hand.
    call_command("audit", "verify")
    row = AuditEntry.objects.order_by("seq")[3]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'x' WHERE id = %s", [row.pk])
    with pytest.raises(CommandError, match=str(row.seq)):
        call_command("audit", "verify")
