"""Issue 12, finding 14: an action item is closed only by its owner or the one who gave it, and
the import page is for those who lead a unit."""

import io
from datetime import date

import pytest

from sampark.difficulties.models import ActionItem
from sampark.difficulties.services import DifficultyError, add_action_item, complete_action_item
from sampark.people.models import Person

pytestmark = pytest.mark.django_db



@pytest.fixture
def item(world):
    # Given by the state in-charge to the Patna booth worker, at Patna: Patna's coordinator sees it.
    return add_action_item(world.state_admin, world.patna, owner=world.patna_worker, text="बूथ बैठक",
                           due_on=date(2026, 12, 5))


def test_a_coordinator_above_cannot_close_someone_elses_item(world, item):
    assert ActionItem.objects.visible_to(world.patna_coord).filter(pk=item.pk).exists()
    with pytest.raises(DifficultyError) as exc:
        complete_action_item(world.patna_coord, item)
    assert exc.value.status == 403
    item.refresh_from_db()
    assert not item.done


@pytest.mark.parametrize("who", ["patna_worker", "state_admin"])
def test_the_owner_or_the_giver_closes_it(world, item, who):
    complete_action_item(getattr(world, who), item)
    item.refresh_from_db()
    assert item.done and item.done_by == getattr(world, who)


def test_the_page_and_the_api_refuse_a_third_person(world, item, login_as, api_as, client):
    r = login_as(world.patna_coord).post(f"/difficulties/items/{item.pk}/done/", {"next": "/difficulties/"})
    assert r.status_code == 302
    r = client.post(f"/api/v1/action-items/{item.pk}/done", **api_as(world.patna_coord))
    assert r.status_code == 403
    item.refresh_from_db()
    assert not item.done
    r = client.post(f"/api/v1/action-items/{item.pk}/done", **api_as(world.patna_worker))
    assert r.status_code == 200 and r.json()["done_at"]


def people_file(*rows) -> io.BytesIO:
    f = io.BytesIO(("phone,name_hi,name_en,lang,unit_level,unit_code,role,team\n" + "".join(rows)).encode())
    f.name = "people.csv"
    return f


def test_a_booth_worker_cannot_open_or_use_the_import_page(world, login_as):
    c = login_as(world.patna_worker)
    r = c.get("/org/import/")
    assert r.status_code == 403
    assert "आयात" in r.content.decode()  # the note, in Hindi
    r = c.post("/org/import/", {"kind": "people", "file": people_file(
        f"9812345678,नया,New,hi,booth,#{world.patna_booth.pk},worker,organisation\n")})
    assert r.status_code == 403
    assert not Person.objects.filter(phone="+919812345678").exists()
    assert login_as(world.patna_coord).get("/org/import/").status_code == 200
