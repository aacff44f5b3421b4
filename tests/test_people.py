"""People, posts, phones and search by any spelling."""

import pytest
from django.utils import translation

from sampark.core.models import AuditEntry
from sampark.org.models import Level, Unit
from sampark.org.services import create_unit
from sampark.people.models import Person, PersonToken, Post, Role, Team
from sampark.people.search import search_people, search_units
from sampark.people.services import (
    PeopleError,
    add_post,
    create_person,
    end_post,
    normalize_phone,
    update_person,
)
from tests.test_text import PRESS_NOTE_NAMES


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("raw", [
    "9876543210", "98765 43210", "98765-43210", "+91 98765 43210", "+919876543210", "919876543210",
    "09876543210", "0091 98765 43210", "९८७६५४३२१०", "+९१ ९८७६५ ४३२१०", "०९८७६५४३२१०", " (98765) 43210 ",
])
def test_phone_forms_all_become_e164(raw):
    assert normalize_phone(raw) == "+919876543210"


@pytest.mark.parametrize("raw", [
    "", "   ", "abc", "12345", "5876543210", "1234567890", "+91 12345 67890", "98765432101", "+91 9876",
    "98765 4321x", "+0123456789", "९८७६५", "²⁹⁸⁷⁶⁵⁴³²¹⁰", "+91+9876543210",
])
def test_bad_phones_are_refused_with_a_message(raw):
    with pytest.raises(PeopleError, match="valid mobile number"):
        normalize_phone(raw)


def test_another_countrys_number_needs_its_code():
    assert normalize_phone("+1 415 555 2671") == "+14155552671"


def test_create_person_normalises_and_refuses_duplicates(db):
    p = create_person(None, phone="९८७६५ ४३२१०", name_hi="  विनोद  तावड़े ", name_en="Vinod Tawde")
    assert p.phone == "+919876543210" and p.name_hi == "विनोद तावड़े"
    with pytest.raises(PeopleError, match="already registered"):
        create_person(None, phone="+91 98765 43210", name_en="Someone")
    with pytest.raises(PeopleError, match="name"):
        create_person(None, phone="9876500000", name_hi=" ", name_en="")
    with pytest.raises(PeopleError, match="at most"):
        create_person(None, phone="9876500000", name_en="x" * 201)
    with pytest.raises(PeopleError, match="Language"):
        create_person(None, phone="9876500000", name_en="X", lang="fr")
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="person.create").count() == 1


def test_update_person_rewrites_search_tokens_and_audits(db):
    p = create_person(None, phone="9876543210", name_en="Ritesh Ranjan")
    p = update_person(None, p, name_hi="अमल अवस्थी", name_en="Amal Awasthi")
    assert set(PersonToken.objects.filter(person=p).values_list("token", flat=True)) >= {"aml", "avst"}
    assert "rts" not in set(PersonToken.objects.filter(person=p).values_list("token", flat=True))
    row = AuditEntry.objects.get(action="person.update")
    # Which names changed, not the names (no personal data in the audit log).
    assert row.after["changed"] == ["name_en", "name_hi"] and "Amal" not in str(row.before) + str(row.after)


def test_posts_validate_role_and_team(world):
    with pytest.raises(PeopleError):
        add_post(None, person=world.patna_worker, unit=world.patna, role="king")
    with pytest.raises(PeopleError):
        add_post(None, person=world.patna_worker, unit=world.patna, role=Role.WORKER, team="cricket")


def test_adding_a_post_twice_counts_once_and_ending_it_twice_too(world):
    patna = lambda: Unit.objects.get(pk=world.patna.pk).member_count  # noqa: E731
    before = patna()
    post = add_post(None, person=world.gaya_worker, unit=world.patna_booth, role=Role.WORKER, team=Team.IT)
    add_post(None, person=world.gaya_worker, unit=world.patna_booth, role=Role.WORKER, team=Team.IT)
    assert patna() == before + 1
    end_post(None, post)
    end_post(None, post)
    assert patna() == before
    assert not Post.objects.get(pk=post.pk).active
    # Re-adding reactivates the same row.
    again = add_post(None, person=world.gaya_worker, unit=world.patna_booth, role=Role.WORKER, team=Team.IT)
    assert again.pk == post.pk and patna() == before + 1
    actions = list(AuditEntry.objects.filter(object_type="people.post", object_id=str(post.pk))
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["post.add", "post.end", "post.add"]


def test_visibility_follows_a_new_post_on_the_same_object(world):
    from sampark.org.models import Unit

    person = world.gaya_worker
    assert not Unit.objects.visible_to(person).filter(pk=world.patna_booth.pk).exists()
    add_post(None, person=person, unit=world.patna_booth, role=Role.WORKER)
    assert Unit.objects.visible_to(person).filter(pk=world.patna_booth.pk).exists()


@pytest.fixture
def press_note(world):
    """Everyone from the press note, as members of the Patna booth, seen by the state admin."""
    people = {}
    for i, hindi in enumerate(PRESS_NOTE_NAMES):
        person = create_person(None, phone=f"+9180000000{i:02d}", name_hi=hindi)
        add_post(None, person=person, unit=world.patna_booth, role=Role.WORKER)
        people[hindi] = person
    return people


def test_search_finds_every_press_note_name_by_its_english_spellings(world, press_note):
    for hindi, spellings in PRESS_NOTE_NAMES.items():
        for query in [*spellings, hindi]:
            found = search_people(world.state_admin, query)
            assert press_note[hindi] in found[:3], (hindi, query, [p.name_hi for p in found])


def test_search_finds_a_name_written_apart_by_a_query_written_together(world):
    p = create_person(None, phone="+918000000099", name_hi="भीखू भाई दलसानिया")
    add_post(None, person=p, unit=world.patna, role=Role.HEAD)
    assert p in search_people(world.state_admin, "Bhikhubhai Dalsania")
    assert p in search_people(world.state_admin, "bhikhu bhai")


def test_search_ranks_the_closer_spelling_first(world, press_note):
    found = search_people(world.state_admin, "rajesh varma")
    assert found[0].name_hi == "राजेश वर्मा"


def test_search_respects_visibility(world, press_note):
    # Everyone was put in a Patna booth: the Gaya coordinator finds none of them.
    for hindi, spellings in PRESS_NOTE_NAMES.items():
        assert press_note[hindi] not in search_people(world.gaya_coord, spellings[0])
    assert search_people(world.gaya_coord, "Ritesh Ranjan") == [world.gaya_coord]  # himself


def test_search_nonsense_and_huge_queries(world, press_note):
    assert search_people(world.state_admin, "") == []
    assert search_people(world.state_admin, "!!!") == []
    assert search_people(world.state_admin, "zzqx") == []
    assert search_people(world.state_admin, "rajesh " * 1000)[0].name_hi == "राजेश वर्मा"


CONSTITUENCIES = [("जोकीहाट", "Jokihat", "Jokhihat"), ("बोचहां", "Bochahan", "Bochaha"),
                  ("भोरे", "Bhore", "Bhorey"), ("जहानाबाद", "Jehanabad", "Jahanabad")]


@pytest.mark.parametrize("with_hindi", [True, False])
def test_constituency_names_match_loosely(world, with_hindi):
    assembly = Level.objects.get(code="assembly")
    made = {}
    for i, (hi, en, _other) in enumerate(CONSTITUENCIES):
        made[en] = create_unit(None, parent=world.patna, level=assembly, name_hi=hi if with_hindi else "",
                               name_en=en, code=f"{100 + i}")
    for hi, en, other in CONSTITUENCIES:
        for query in (en, other, en.lower(), *([hi] if with_hindi else [])):
            found = search_units(world.state_admin, query)
            assert found and found[0] == made[en], (query, [u.name_en for u in found])
    assert search_units(world.state_admin, "101") == [made["Bochahan"]]
    assert search_units(world.gaya_coord, "Jokihat") == []


def test_units_named_the_other_way_are_found_too(world):
    assembly = Level.objects.get(code="assembly")
    pairs = [("Jokhihat", "Jokihat"), ("Bochaha", "Bochahan"), ("Bhorey", "Bhore"), ("Jahanabad", "Jehanabad")]
    made = {stored: create_unit(None, parent=world.gaya, level=assembly, name_en=stored) for stored, _q in pairs}
    for stored, query in pairs:
        assert made[stored] in search_units(world.gaya_coord, query)[:1], (stored, query)
