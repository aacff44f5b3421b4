"""Every route, as Patna's coordinator and Patna's booth worker, against Gaya's objects.

Each URL pattern and each API operation is looked up in the tables below, which say how to aim it
at an object of the other district (expecting 404: missing and forbidden look the same), how to
list or search with it (expecting no Gaya row, name, phone or text in the answer), how to create
into Gaya with it (expecting a refusal that writes nothing), or why it needs no check. A route the
tables do not know fails ``test_every_route_is_in_the_tables``: a new endpoint cannot be added
without saying how it is kept to its district.
"""

import io
import json
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import timezone
from ninja import NinjaAPI, Router
from PIL import Image

from sampark.api.urls import api as sampark_api
from sampark.difficulties import services as difficulty_services
from sampark.difficulties.models import ActionItem, Difficulty, ReviewNote
from sampark.directives import authoring as directive_services
from sampark.directives.models import Directive
from sampark.events import services as event_services
from sampark.events.models import Event
from sampark.people import erasure
from sampark.people import services as people_services
from sampark.people.models import Person, Post
from sampark.reports import services as report_services
from sampark.reports.models import Report

API_PREFIX = "/api/v1"
MARK = "GAYAMARK"
# What Patna must never see of Gaya: the names of its units below the district ("गया" itself is
# also an everyday Hindi word, "went"), its people's names and phones, and the marker text put
# into each of its objects.
FOREIGN = [
    MARK, "Bodh Gaya", "बोधगया", "Mandal 2", "मंडल 2", "Shakti Kendra 2", "शक्ति केंद्र 2", "Booth 2", "बूथ 2",
    "Ritesh Ranjan", "रितेश रंजन", "Amal Awasthi", "अमल अवस्थी", "9000000003", "9000000005",
]
SEARCHES = ["Gaya", "गया", "Bodh", "बोधगया", "Ritesh", "रितेश", "Amal Awasthi", "अमल", "Booth", "बूथ", "Mandal",
            "9000000003", MARK]


# --- the tables -----------------------------------------------------------------------------------

@dataclass
class Obj:
    """A route that names one object: aimed at Gaya's, every method answers 404. ``own`` fills it
    with the persona's own top unit, whose answer (a dashboard, map, export or PDF) must not
    contain Gaya either."""

    kwargs: Callable[..., dict]
    methods: tuple[str, ...] = ("GET",)
    data: Callable[..., dict] | None = None
    query: Callable[..., dict] | None = None
    own: Callable[..., dict] | None = None
    variants: tuple[dict, ...] = ({},)


@dataclass
class Listing:
    """A list, search, count or form without an id: it must answer and show nothing of Gaya."""

    queries: Callable[..., list[dict]] = lambda g: [{}]  # noqa: E731


@dataclass
class LeadersOnly(Listing):
    """A listing or form for those who lead a unit: others are refused (403); nobody sees Gaya."""


@dataclass
class Create:
    """A write that names its place in the body: aimed at Gaya it is refused and writes nothing."""

    method: str
    data: Callable[..., object]
    json: bool = True
    files: bool = False


def unit(g):
    return {"unit_id": g.unit.pk}


def own_unit(g, me):
    return {"unit_id": me.top.pk}


def directive(g):
    return {"directive_id": g.directive.pk}


def difficulty(g):
    return {"difficulty_id": g.difficulty.pk}


def event(g):
    return {"event_id": g.event.pk}


def event_item(g):
    """A programme item of Gaya's event (made once, by its organiser)."""
    from sampark.events import programme

    if not hasattr(g, "event_item"):
        g.event_item, _ = programme.add_item(g.event.created_by, g.event, role="other", guest_name=MARK,
                                             guest_title=MARK, text=MARK)
    return {"event_id": g.event.pk, "item_id": g.event_item.pk}


def event_photo(g):
    """A photo of Gaya's event (made once, by its organiser)."""
    from sampark.events import photos

    if not hasattr(g, "event_photo"):
        g.event_photo, _ = photos.add_photo(g.event.created_by, g.event, photo_id=uuid.uuid4(), upload=jpeg_upload())
    return {"event_id": g.event.pk, "photo_id": g.event_photo.pk}


def handle(g):
    return {"handle_id": g.handle.pk}


def snapshot(g):
    return {"snapshot_id": g.snapshot.pk}


def report(g):
    return {"report_id": g.report.pk}


def plan_item(g=None):
    """The booth head's item of the post plan (put back if a transactional test flushed it)."""
    from sampark.people import vacancies
    from sampark.people.models import PostPlan

    vacancies.ensure_default_plan()
    return PostPlan.objects.get(level__code="booth", role="head")


PAGES: dict[str, object] = {
    "": Listing(),
    "units/<int:unit_id>/": Obj(unit, own=own_unit),
    "search/": Listing(lambda g: [{"q": q} for q in SEARCHES]),
    "directives/": Listing(),
    "directives/inbox/updates": Listing(lambda g: [{}, {"since": "2000-01-01T00:00:00+00:00"}]),
    "directives/new/": Listing(),
    "directives/<int:directive_id>/": Obj(directive),
    "directives/<int:directive_id>/ack/": Obj(directive, ("POST",), data=lambda g: {"reply": "x"}),
    "directives/<int:directive_id>/publish/": Obj(directive, ("POST",)),
    "directives/<int:directive_id>/withdraw/": Obj(directive, ("POST",)),
    "directives/<int:directive_id>/edit/": Obj(directive, ("POST",), data=lambda g: {"title": "x", "body": "y"}),
    "directives/<int:directive_id>/attach/": Obj(directive, ("POST",), data=lambda g: {"file": pdf_upload()}),
    "directives/<int:directive_id>/files/<int:attachment_id>/": Obj(
        lambda g: {"directive_id": g.directive.pk, "attachment_id": g.attachment.pk}),
    "directives/<int:directive_id>/rollup/": Obj(directive, query=lambda g: {"unit": g.unit.pk}),
    "directives/<int:directive_id>/silent/": Obj(directive),
    "directives/<int:directive_id>/rollup.<str:fmt>": Obj(directive, query=lambda g: {"unit": g.unit.pk},
                                                          variants=({"fmt": "csv"}, {"fmt": "xlsx"})),
    "reports/": Listing(),
    "reports/new/": Obj(lambda g: {}, query=lambda g: {"unit": g.booth.pk}, own=lambda g, me: {}),
    "reports/photos/<uuid:photo_id>/": Obj(lambda g: {"photo_id": g.photo.pk}),
    "reports/photos/<uuid:photo_id>/thumb/": Obj(lambda g: {"photo_id": g.photo.pk}),
    "reports/r/<uuid:report_id>/": Obj(report, ("GET", "POST"), data=lambda g: {"attendance": "1", "reason": "x"}),
    "reports/units/<int:unit_id>/": Obj(unit, own=own_unit),
    "reports/units/<int:unit_id>/map/": Obj(unit, own=own_unit),
    "reports/units/<int:unit_id>/reports.<str:fmt>": Obj(unit, own=own_unit,
                                                         variants=({"fmt": "csv"}, {"fmt": "xlsx"})),
    "reports/units/<int:unit_id>/export.<str:fmt>": Obj(unit, own=own_unit,
                                                        variants=({"fmt": "csv"}, {"fmt": "xlsx"})),
    "difficulties/": Listing(),
    "difficulties/new/": Listing(),
    # The area list and its export: Gaya's district as the unit filter is 404; one's own area shows no Gaya.
    "difficulties/area/": Obj(lambda g: {}, query=lambda g: {"unit": g.unit.pk}, own=lambda g, me: {}),
    "difficulties/area/export.<str:fmt>": Obj(lambda g: {"fmt": "csv"}, query=lambda g: {"unit": g.unit.pk},
                                              own=lambda g, me: {}, variants=({"fmt": "csv"}, {"fmt": "xlsx"})),
    "difficulties/<uuid:difficulty_id>/": Obj(difficulty),
    "difficulties/<uuid:difficulty_id>/photo/": Obj(difficulty),
    "difficulties/<uuid:difficulty_id>/photo/thumb/": Obj(difficulty),
    "difficulties/<uuid:difficulty_id>/<slug:action>/": Obj(
        difficulty, ("POST",), data=lambda g: {"text": "x", "rating": "5", "person": g.patna_person.pk,
                                               "ids": [str(g.own_d.pk)]},
        variants=tuple({"action": a} for a in ("answer", "request-info", "info", "assign", "merge", "reopen",
                                               "confirm"))),
    "difficulties/items/<int:item_id>/done/": Obj(lambda g: {"item_id": g.item.pk}, ("POST",)),
    "difficulties/review/<int:unit_id>/": Obj(unit, own=own_unit),
    "difficulties/review/<int:unit_id>/pdf/": Obj(unit, own=own_unit),
    "difficulties/review/<int:unit_id>/<slug:what>/": Obj(
        unit, ("POST",), data=lambda g: {"unit": g.booth.pk, "text": "x", "owner": g.patna_person.pk,
                                         "due_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
        variants=({"what": "note"}, {"what": "item"})),
    "org/import/": LeadersOnly(),
    "people/transfers/": Listing(),
    "people/transfers/<int:transfer_id>/approve/": Obj(lambda g: {"transfer_id": g.transfer.pk}, ("POST",)),
    "people/transfers/<int:transfer_id>/reject/": Obj(lambda g: {"transfer_id": g.transfer.pk}, ("POST",)),
    r"org/^units/(?P<unit_id>[0-9]+)/export/(?P<kind>units|people)\.(?P<fmt>csv|xlsx)$": Obj(
        unit, own=own_unit, variants=tuple({"kind": k, "fmt": f} for k in ("units", "people") for f in ("csv", "xlsx"))),
    "account/sessions/": Listing(),
    "consent/": Listing(),  # the privacy notice: the same for everyone, and one's own consent
    "people/<int:person_id>/sessions/": Obj(lambda g: {"person_id": g.member.pk}),
    "people/<int:person_id>/sessions/end/": Obj(lambda g: {"person_id": g.member.pk}, ("POST",)),
    "people/<int:person_id>/second-factor/reset/": Obj(lambda g: {"person_id": g.member.pk}, ("POST",)),
    "account/passkeys/<int:passkey_id>/remove/": Obj(lambda g: {"passkey_id": g.passkey.pk}, ("POST",)),
    "people/new/": LeadersOnly(lambda g: [{}, {"unit": ""}]),
    "people/<int:person_id>/": Obj(lambda g: {"person_id": g.member.pk}),
    "people/<int:person_id>/phone/": Obj(lambda g: {"person_id": g.member.pk}, ("POST",)),
    "people/<int:person_id>/edit/": Obj(lambda g: {"person_id": g.member.pk}, ("POST",),
                                       data=lambda g: {"name_hi": MARK, "lang": "hi"}),
    "people/<int:person_id>/posts/": Obj(lambda g: {"person_id": g.member.pk}, ("POST",),
                                        data=lambda g: {"unit": g.booth.pk, "role": "worker"}),
    "people/posts/<int:post_id>/end/": Obj(lambda g: {"post_id": g.post.pk}, ("POST",)),
    "people/posts/<int:post_id>/move/": Obj(lambda g: {"post_id": g.post.pk}, ("POST",),
                                           data=lambda g: {"unit": g.booth.pk}),
    "people/post-plan/": Obj(lambda g: {}, ("GET", "POST"), data=lambda g: {"level": "booth", "role": "worker",
                                                                          "label_en": MARK}),
    "people/post-plan/<int:plan_id>/remove/": Obj(lambda g: {"plan_id": plan_item().pk}, ("POST",)),
    "people/vacancies/<int:unit_id>/<int:plan_id>/": Obj(lambda g: {"unit_id": g.unit.pk, "plan_id": plan_item().pk},
                                                         own=lambda g, me: {"unit_id": me.top.pk,
                                                                            "plan_id": plan_item().pk}),
    "people/<int:person_id>/transfer/": Obj(lambda g: {"person_id": g.member.pk}, ("GET", "POST"),
                                           query=lambda g: {"q": "patna"},
                                           data=lambda g: {"to_unit": g.booth.pk, "role": "worker"}),
    # The setup pages are the Centre's leaders' (and a state's, to look): 404 for anyone else, writes too.
    "setup/": Obj(lambda g: {}),
    "setup/levels/": Obj(lambda g: {}, ("GET", "POST"), data=lambda g: {"op": "rename", "level": g.unit.level_id,
                                                                          "name_hi": MARK, "name_en": MARK}),
    "setup/reports/": Obj(lambda g: {}, ("GET", "POST"), data=lambda g: {"op": "add_type", "code": "gm",
                                                                           "name_hi": MARK, "name_en": MARK}),
    "setup/reports/<int:type_id>/": Obj(lambda g: {"type_id": g.report.type_id}, ("GET", "POST"),
                                        data=lambda g: {"op": "remove_type"}),
    "setup/difficulties/": Obj(lambda g: {}, ("GET", "POST"), data=lambda g: {"op": "add_category", "code": "gm",
                                                                                "name_hi": MARK, "name_en": MARK}),
    "setup/policies/": Obj(lambda g: {}, ("GET", "POST"), data=lambda g: {"op": "set", "value": "5",
                                                                            "key": "directives.escalation_minutes"}),
    "setup/teams/": Obj(lambda g: {}, ("GET", "POST"), data=lambda g: {"op": "add_team", "code": "gm",
                                                                         "name_hi": MARK, "name_en": MARK}),
    "people/<int:person_id>/deactivate/": Obj(lambda g: {"person_id": g.member.pk}, ("POST",),
                                             data=lambda g: {"confirm": "yes"}),
    "people/<int:person_id>/reactivate/": Obj(lambda g: {"person_id": g.member.pk}, ("POST",),
                                             data=lambda g: {"confirm": "yes"}),
    "people/erasures/": Listing(),
    "people/erasures/<int:request_id>/erase/": Obj(lambda g: {"request_id": g.erasure.pk}, ("POST",),
                                                   data=lambda g: {"confirm": "yes"}),
    "people/new/ POST": Create("POST", lambda g: {"unit": g.booth.pk, "phone": "9123456780", "name_hi": MARK,
                                                   "role": "worker"}, json=False),
    "difficulties/new/ POST": Create("POST", lambda g: {"id": str(uuid.uuid4()), "unit": g.booth.pk,
                                                         "category": "content", "text": MARK}, json=False),
    "events/": Listing(),
    "events/new/": Listing(),
    "events/<int:event_id>/": Obj(event),
    "events/<int:event_id>/publish/": Obj(event, ("POST",)),
    "events/<int:event_id>/cancel/": Obj(event, ("POST",)),
    "events/<int:event_id>/rsvp/": Obj(event, ("POST",), data=lambda g: {"answer": "yes"}),
    "events/<int:event_id>/rsvps/": Obj(event),
    "events/<int:event_id>/edit/": Obj(event, ("GET", "POST"), data=lambda g: {"title": MARK, "kind": "meeting",
                                                                             "unit": g.unit.pk}),
    "events/<int:event_id>/programme/": Obj(event, ("GET", "POST"), query=lambda g: {"q": "Ritesh"},
                                           data=lambda g: {"role": "address", "person": "guest",
                                                           "guest_name": MARK, "guest_title": MARK}),
    "events/<int:event_id>/programme/<int:item_id>/<slug:action>/": Obj(
        event_item, ("POST",), variants=({"action": "remove"}, {"action": "up"}, {"action": "down"})),
    "events/<int:event_id>/review/": Obj(event, ("GET", "POST"), data=lambda g: {"unit": g.unit.pk,
                                                                               "kind": "activity", "text": MARK}),
    "events/<int:event_id>/photos/add/": Obj(event, ("POST",), data=lambda g: {"id": str(uuid.uuid4()),
                                                                             "file": jpeg_upload()}),
    "events/<int:event_id>/photos/<uuid:photo_id>/": Obj(event_photo),
    "events/<int:event_id>/photos/<uuid:photo_id>/thumb/": Obj(event_photo),
    "events/<int:event_id>/photos/<uuid:photo_id>/remove/": Obj(event_photo, ("POST",)),
    "setup/events/": Obj(lambda g: {}, ("GET", "POST"), data=lambda g: {"op": "add_kind", "code": "gm",
                                                                          "name_hi": MARK, "name_en": MARK}),
    "events/<int:event_id>/attendance.<str:fmt>": Obj(event, variants=({"fmt": "csv"}, {"fmt": "xlsx"})),
    "events/meeting/new/": Obj(lambda g: {}, ("GET", "POST"), query=lambda g: {"unit": g.booth.pk},
                               data=lambda g: {"client_uuid": str(uuid.uuid4()), "topic": MARK,
                                               "starts_at": "2026-01-01T10:00", "attendance": "5"}),
    "events/<int:event_id>/report/": Obj(event, ("GET", "POST"), data=lambda g: {"op": "publish", "lang": "hi"}),
    "events/<int:event_id>/report.pdf": Obj(event),
    "events/<int:event_id>/report.txt": Obj(event),
    "events/<int:event_id>/checkin/": Obj(event, ("GET", "POST"), data=lambda g: {"id": str(uuid.uuid4()),
                                                                                "walk_ins": "3"}),
    "events/<int:event_id>/codes/": Obj(event),
    "network/": Listing(),
    "network/handles/<int:handle_id>/": Obj(handle, ("GET", "POST"), data=lambda g: {"date": "2026-01-01", "count": "5"}),
    "network/handles/<int:handle_id>/<slug:action>/": Obj(handle, ("POST",), variants=tuple(
        {"action": a} for a in ("hide", "show", "remove", "verify", "unverify"))),
    "network/unit/<int:unit_id>/": Obj(unit, own=own_unit),
    "network/unit/<int:unit_id>/export/<slug:kind>.<str:fmt>": Obj(unit, own=own_unit, variants=tuple(
        {"kind": k, "fmt": f} for k in ("children", "handles") for f in ("csv", "xlsx"))),
    "network/review/": LeadersOnly(lambda g: [{}, {"platform": "x"}, {"page": "2", "hpage": "9"}]),
    "network/review/counts/<uuid:snapshot_id>/<slug:action>/": Obj(snapshot, ("POST",), variants=tuple(
        {"action": a} for a in ("confirm", "reject"))),
    "network/review/handles/<int:handle_id>/verify/": Obj(handle, ("POST",)),
    "setup/network/": Obj(lambda g: {}, ("GET", "POST"), data=lambda g: {"op": "add_platform", "code": "gm",
                                                                        "name_hi": MARK, "name_en": MARK,
                                                                        "hosts": "gm.example", "counts_hi": MARK,
                                                                        "counts_en": MARK}),
    "network/import/": LeadersOnly(),
    "network/import/ POST": Create("POST", lambda g: {"file": SimpleUploadedFile(
        "counts.csv", f"platform,handle,date,count\nx,{MARK},{timezone.localdate().isoformat()},99\n".encode(),
        content_type="text/csv")}, json=False, files=True),
    "network/ POST": Create("POST", lambda g: {"platform": "telegram", "url": "https://t.me/gaya_mark",
                                               "unit": g.booth.pk, "count": "5"}, json=False),
    "events/new/ POST": Create("POST", lambda g: {"unit": g.unit.pk, "title": MARK, "kind": "meeting",
                                                   "starts_at": "2031-01-01T10:00", "ends_at": "2031-01-01T12:00",
                                                   "publish": "1"}, json=False),
    "directives/new/ POST": Create("POST", lambda g: {"target_unit": g.unit.pk, "title": MARK, "priority": "normal",
                                                       "publish": "1"}, json=False),
}

API: dict[str, object] = {
    "GET /me": Listing(),
    "GET /me/consent": Listing(),
    "GET /me/attention": Listing(),
    "GET /me/pulse": Listing(),
    "GET /search": Listing(lambda g: [{"q": q} for q in SEARCHES]),
    "GET /units/{unit_id}": Obj(unit),
    "GET /units/{unit_id}/children": Obj(unit, own=own_unit),
    "GET /units/{unit_id}/people": Obj(unit, own=own_unit),
    "GET /units/{unit_id}/rollup": Obj(unit, own=own_unit),
    "GET /units/{unit_id}/difficulty-stats": Obj(unit, own=own_unit),
    "POST /directives": Create("POST", lambda g: {"title": MARK, "target_unit": g.unit.pk}),
    "GET /directives/{directive_id}": Obj(directive),
    "PATCH /directives/{directive_id}": Obj(directive, ("PATCH",), data=lambda g: {"title": "x", "body": "y"}),
    "POST /directives/{directive_id}/publish": Obj(directive, ("POST",)),
    "POST /directives/{directive_id}/attachments": Obj(directive, ("POST",), data=lambda g: {"file": pdf_upload()}),
    "POST /directives/{directive_id}/withdraw": Obj(directive, ("POST",)),
    "POST /directives/{directive_id}/read": Obj(directive, ("POST",)),
    "POST /directives/{directive_id}/ack": Obj(directive, ("POST",), data=lambda g: {"reply": "x"}),
    "GET /directives/{directive_id}/rollup": Obj(directive),
    "GET /inbox": Listing(),
    "POST /reports": Create("POST", lambda g: report_body(g)),
    "POST /reports/batch": Create("POST", lambda g: [report_body(g)]),
    "GET /reports/{report_id}": Obj(report),
    "PATCH /reports/{report_id}": Obj(report, ("PATCH",), data=lambda g: {"values": {"attendance": 1}, "reason": "x"}),
    "POST /reports/{report_id}/photos": Obj(report, ("POST",), data=lambda g: {"id": str(uuid.uuid4()),
                                                                             "file": jpeg_upload()}),
    "POST /difficulties": Create("POST", lambda g: {"id": str(uuid.uuid4()), "unit": g.booth.pk,
                                                     "category": "content", "text": MARK}),
    "GET /difficulties": Listing(lambda g: [{}, {"status": "open"}, {"status": "below", "older_than_days": 1}]),
    "GET /difficulties/{difficulty_id}": Obj(difficulty),
    "POST /difficulties/{difficulty_id}/answer": Obj(difficulty, ("POST",), data=lambda g: {"text": "x"}),
    "POST /difficulties/{difficulty_id}/request-info": Obj(difficulty, ("POST",), data=lambda g: {"text": "x"}),
    "POST /difficulties/{difficulty_id}/info": Obj(difficulty, ("POST",), data=lambda g: {"text": "x"}),
    "POST /difficulties/{difficulty_id}/assign": Obj(difficulty, ("POST",),
                                                     data=lambda g: {"person": g.patna_person.pk, "text": "x"}),
    "POST /difficulties/{difficulty_id}/merge": Obj(difficulty, ("POST",), data=lambda g: {"ids": [str(g.own_d.pk)]}),
    "POST /difficulties/{difficulty_id}/reopen": Obj(difficulty, ("POST",), data=lambda g: {"rating": 2, "text": "x"}),
    "POST /difficulties/{difficulty_id}/confirm": Obj(difficulty, ("POST",), data=lambda g: {"rating": 5}),
    "GET /action-items": Listing(),
    "POST /handles": Create("POST", lambda g: {"platform": "telegram", "url": "https://t.me/gaya_mark",
                                               "unit": g.booth.pk}),
    "GET /handles": Listing(),
    "GET /handles/{handle_id}": Obj(handle),
    "PATCH /handles/{handle_id}": Obj(handle, ("PATCH",), data=lambda g: {"handle": MARK}),
    "DELETE /handles/{handle_id}": Obj(handle, ("DELETE",)),
    "POST /handles/{handle_id}/snapshots": Obj(handle, ("POST",), data=lambda g: {"date": "2026-01-01", "count": 5}),
    "GET /units/{unit_id}/network": Obj(unit, own=own_unit),
    "POST /handles/{handle_id}/verify": Obj(handle, ("POST",)),
    "POST /handles/{handle_id}/unverify": Obj(handle, ("POST",)),
    "POST /snapshots/{snapshot_id}/confirm": Obj(snapshot, ("POST",)),
    "POST /snapshots/{snapshot_id}/reject": Obj(snapshot, ("POST",)),
    "GET /network/review": Listing(lambda g: [{}, {"platform": "x"}]),
    "POST /network/imports": Create("POST", lambda g: {"check_only": False}),
    "POST /events": Create("POST", lambda g: {"title": MARK, "kind": "meeting", "unit": g.unit.pk,
                                               "starts_at": "2031-01-01T10:00:00+05:30",
                                               "ends_at": "2031-01-01T12:00:00+05:30"}),
    "GET /events": Listing(),
    "GET /events/{event_id}": Obj(event),
    "POST /events/{event_id}/publish": Obj(event, ("POST",)),
    "POST /events/{event_id}/cancel": Obj(event, ("POST",)),
    "POST /events/{event_id}/rsvp": Obj(event, ("POST",), data=lambda g: {"answer": "yes"}),
    "GET /events/{event_id}/rsvps": Obj(event),
    "PATCH /events/{event_id}": Obj(event, ("PATCH",), data=lambda g: {"title": MARK}),
    "GET /events/{event_id}/programme": Obj(event),
    "POST /events/{event_id}/programme": Obj(event, ("POST",), data=lambda g: {"role": "address", "guest_name": MARK,
                                                                             "guest_title": MARK}),
    "PATCH /events/{event_id}/programme/{item_id}": Obj(event_item, ("PATCH",), data=lambda g: {"text": "x"}),
    "DELETE /events/{event_id}/programme/{item_id}": Obj(event_item, ("DELETE",)),
    "GET /events/{event_id}/review": Obj(event),
    "GET /events/{event_id}/photos": Obj(event),
    "POST /events/{event_id}/photos": Obj(event, ("POST",), data=lambda g: {"id": str(uuid.uuid4()),
                                                                          "file": jpeg_upload()}),
    "POST /events/{event_id}/review": Obj(event, ("POST",), data=lambda g: {"unit": g.unit.pk, "kind": "activity",
                                                                          "text": MARK}),
    "GET /events/{event_id}/report": Obj(event),
    "PUT /events/{event_id}/report": Obj(event, ("PUT",), data=lambda g: {"text": MARK}),
    "POST /events/{event_id}/report/regenerate": Obj(event, ("POST",)),
    "POST /events/{event_id}/report/publish": Obj(event, ("POST",)),
    "POST /events/{event_id}/checkins": Obj(event, ("POST",), data=lambda g: {"id": str(uuid.uuid4()), "walk_ins": 3}),
    "GET /events/{event_id}/attendance": Obj(event, query=lambda g: {"by": "district"}),
    "POST /people": Create("POST", lambda g: {"unit": g.booth.pk, "phone": "9123456780", "name_hi": MARK,
                                               "role": "worker"}),
    "PATCH /people/{person_id}": Obj(lambda g: {"person_id": g.member.pk}, ("PATCH",),
                                     data=lambda g: {"name_hi": MARK}),
    "POST /people/{person_id}/posts": Obj(lambda g: {"person_id": g.member.pk}, ("POST",),
                                          data=lambda g: {"unit": g.booth.pk, "role": "worker"}),
    "POST /people/{person_id}/phone": Obj(lambda g: {"person_id": g.member.pk}, ("POST",)),
    "POST /posts/{post_id}/end": Obj(lambda g: {"post_id": g.post.pk}, ("POST",)),
    "GET /transfers": Listing(),
    "POST /transfers": Create("POST", lambda g: {"person": g.member.pk, "to_unit": g.booth.pk, "role": "worker"}),
    "POST /transfers/{transfer_id}/approve": Obj(lambda g: {"transfer_id": g.transfer.pk}, ("POST",)),
    "POST /transfers/{transfer_id}/reject": Obj(lambda g: {"transfer_id": g.transfer.pk}, ("POST",)),
    "POST /action-items/{item_id}/done": Obj(lambda g: {"item_id": g.item.pk}, ("POST",)),
    "GET /units/{unit_id}/vacancies": Obj(unit, own=own_unit),
    "POST /people/{person_id}/deactivate": Obj(lambda g: {"person_id": g.member.pk}, ("POST",)),
    "POST /people/{person_id}/reactivate": Obj(lambda g: {"person_id": g.member.pk}, ("POST",)),
}

ALLOWED = {
    "login/": "logging in: no person yet, nothing of any district",
    "login/code/": "logging in: no person yet, nothing of any district",
    "login/resend/": "logging in: no person yet, nothing of any district",
    "logout/": "ends the session; shows nothing",
    "lang/": "sets the language cookie and the person's own setting; shows nothing",
    "account/sessions/end/": "ends the viewer's own sessions (named by a hash of their key); shows nothing",
    "about/": "the same public page for everyone",
    "account/data/": "the viewer's own data (tests/test_my_data.py proves another person's never appears)",
    "account/data/erasure/": "asks for the viewer's own erasure (tests/test_erasure.py); names no one else",
    "POST /me/erasure": "asks for the viewer's own erasure (tests/test_erasure.py); names no one else",
    "GET /me/data": "the viewer's own data (tests/test_my_data.py proves another person's never appears)",
    "PATCH /me": "corrects the viewer's own name and language only (tests/test_my_data.py)",
    "account/data/name/": "corrects the viewer's own name and language only (tests/test_my_data.py)",
    "reports/sw.js": "static script (the service worker), the same for everyone",
    "reports/manifest.webmanifest": "a redirect to the site's web-app manifest",
    "sw.js": "static script (the site's one service worker), the same for everyone",
    "manifest.webmanifest": "static web-app manifest, the same for everyone",
    "offline/": "the same small offline page for everyone",
    "outbox/": "an empty page the phone fills from its own storage (web/app.js); no data of any district",
    "reports/icon.svg": "static icon",
    "reports/outbox.js": "static script",
    "api/v1/": "the API's root: no data",
    "^api/(?P<path>.*)$": "any /api/ address no route matches: the same JSON 404 for everyone",
    "api/v1/openapi.json": "the API's description: no data",
    "api/v1/docs": "the API's documentation page: no data",
    "GET /healthz": "database liveness: no data",
    "directives/whatsapp/webhook/": "WhatsApp's delivery callbacks: no session, answers nothing of anyone's data; "
                                    "a POST needs Meta's signature, a GET the verify token (tests/test_channels.py)",
    "GET /transfers/destinations": "names of places only (no people, counts or activity), within the caller's state, "
                                   "where a member may be asked for (tests/test_transfer_out.py proves it)",
    "POST /me/consent": "the viewer consents to the privacy notice for themselves; answers the notice, no district's data",
    "second-factor/": "gives one's own second factor (at log-in or a step-up); shows nothing of any district",
    "second-factor/passkey/options/": "a WebAuthn challenge for one's own passkeys; no district's data",
    "second-factor/passkey/verify/": "checks one's own passkey; no district's data",
    "account/second-factor/": "one's own authenticator, recovery codes and passkeys; no district's data",
    "account/passkeys/options/": "a WebAuthn challenge to add one's own passkey; no district's data",
    "account/passkeys/add/": "adds one's own passkey; no district's data",
    "account/second-factor/recovery-codes/": "replaces one's own recovery codes; no district's data",
}


# --- enumerating every route ------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    key: str  # the table key: a page's pattern, or "METHOD /path" of an API operation
    name: str = ""  # the page's URL name (with its namespace), for reverse()


def _is_ninja(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "__module__", "").startswith("ninja.operation")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            yield prefix + str(p.pattern), namespace + (p.name or ""), p


def api_operations(api: NinjaAPI) -> set[str]:
    """"METHOD /path" of every operation in the API's OpenAPI description (path without the prefix)."""
    schema = api.get_openapi_schema(path_prefix="")
    return {f"{method.upper()} /{path.lstrip('/')}" for path, ops in schema["paths"].items() for method in ops}


def all_routes(urlpatterns, api: NinjaAPI = sampark_api) -> list[Route]:
    """Every page pattern, and every API operation. An API path served by Django but missing from
    the API's description is listed as its own route, which no table knows: it fails too."""
    operations = api_operations(api)
    described = {op.split(" ", 1)[1] for op in operations}
    routes = [Route(op) for op in sorted(operations)]
    for pattern, name, p in _walk(urlpatterns):
        if _is_ninja(p):
            api_path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern.removeprefix(API_PREFIX.strip("/") + "/"))
            if api_path not in described:
                routes.append(Route(f"ANY {api_path} (not in the API description)"))
            continue
        routes.append(Route(pattern, name))
    return routes


def uncovered(routes: list[Route]) -> list[str]:
    known = set(PAGES) | set(API) | set(ALLOWED)
    return [r.key for r in routes if r.key not in known]


# --- Gaya's objects, made through the services ----------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_upload(name="gayamark.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def jpeg_upload():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def report_body(g) -> dict:
    return {"id": str(uuid.uuid4()), "unit": g.booth.pk, "type": "meeting",
            "date": timezone.localdate().isoformat(), "values": {"attendance": 3, "topic": MARK}}


@pytest.fixture
def gaya(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    rep, _ = report_services.submit_report(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, type="meeting",
                                           date=timezone.localdate(), values={"attendance": 9, "topic": MARK})
    photo, _ = report_services.add_photo(world.gaya_worker, rep, photo_id=uuid.uuid4(), upload=jpeg_upload())
    d, _ = difficulty_services.raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth,
                                                category="content", text=MARK + " difficulty", now=now,
                                                photo=jpeg_upload())
    difficulty_services.add_review_note(world.gaya_coord, world.gaya_ac, text=MARK + " note", now=now)
    # Gaya's coordinator asks for the UP coordinator at a Gaya booth: decided above both (the Centre).
    from sampark.people.models import Passkey  # made directly: registering one needs a real authenticator

    passkey = Passkey.objects.create(person=world.gaya_coord, credential_id="gaya-passkey", public_key=b"-")
    transfer = people_services.request_transfer(world.gaya_coord, world.up_coord, unit=world.gaya_booth,
                                                role="worker")
    item = difficulty_services.add_action_item(world.gaya_coord, world.gaya_ac, owner=world.gaya_coord,
                                               text=MARK + " item", due_on=timezone.localdate() + timedelta(days=7),
                                               now=now)
    sent = directive_services.create_directive(world.gaya_coord, target_unit=world.gaya, title=MARK + " directive",
                                               body=MARK, attachments=[pdf_upload()])
    sent = directive_services.publish_directive(world.gaya_coord, sent)
    own_d, _ = difficulty_services.raise_difficulty(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth,
                                                    category="content", text="पटना की कठिनाई", now=now)
    erasure_request, _ = erasure.request_erasure(world.gaya_worker, "erasure")
    event, _ = event_services.create_event(world.gaya_coord, unit=world.gaya, title=MARK + " event", kind="meeting",
                                           starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2),
                                           venue=MARK, now=now)
    from sampark.network import models as network_models
    from sampark.network import services as network_services

    handle, _ = network_services.register_handle(world.gaya_worker, platform="x", handle=MARK,
                                                 url="https://x.com/gaya_mark")
    network_services.add_snapshot(world.gaya_worker, handle, date=timezone.localdate(), count=1234)
    # A count that jumped, waiting for Gaya's coordinator (made directly: a jump needs an earlier count).
    flagged = network_models.Snapshot.objects.create(handle=handle, date=timezone.localdate() - timedelta(days=1),
                                                     count=999_999, status="flagged", created_at=now)
    return SimpleNamespace(event=event, handle=handle,
        snapshot=flagged,
        erasure=erasure_request, unit=world.gaya, booth=world.gaya_booth, report=rep, photo=photo, difficulty=d, item=item, directive=sent,
        transfer=transfer, passkey=passkey, post=world.gaya_worker.posts.get(),
        attachment=sent.attachments.get(), patna_person=world.patna_worker, own_d=own_d, member=world.gaya_worker,
        counts=lambda: (Report.objects.in_subtree(world.gaya.path).count(),
                        network_models.Handle.objects.in_subtree(world.gaya.path).count(),
                        network_models.Snapshot.objects.filter(status="flagged").count(),
                        network_models.Handle.objects.filter(verified_at__isnull=False).count(),
                        network_models.Platform.objects.count(),
                        network_models.Snapshot.objects.filter(handle__unit_path__startswith=world.gaya.path).count(),
                        Difficulty.objects.in_subtree(world.gaya.path).count(),
                        Directive.objects.filter(title__contains=MARK).count(),
                        ReviewNote.objects.count(), ActionItem.objects.count(),
                        Event.objects.filter(title__contains=MARK).count(), Event.objects.count(),
                        # members: no person added or renamed, no post given or ended
                        Person.objects.count(), Person.objects.filter(name_hi__contains=MARK).count(),
                        Post.objects.in_subtree(world.gaya.path).filter(active=True).count(),
                        # erasure: no one deactivated or erased
                        Person.objects.filter(is_active=False).count(), erasure.pending_request(world.gaya_worker)))


@pytest.fixture(params=["patna_coord", "patna_worker"])
def me(request, world):
    person = getattr(world, request.param)
    top = world.patna if request.param == "patna_coord" else world.patna_booth
    return SimpleNamespace(name=request.param, person=person, top=top)


# --- reading an answer ----------------------------------------------------------------------------

def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    ctype = response.get("Content-Type", "")
    if "json" in ctype:
        return json.dumps(json.loads(body or b"null"), ensure_ascii=False)
    if "spreadsheetml" in ctype:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                         if v is not None)
    if "pdf" in ctype:
        assert shutil.which("pdftotext"), "pdftotext (Debian poppler-utils) reads the PDFs"
        return subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()
    return body.decode("utf-8", "replace")


def foreign_in(text: str, asked: dict | None = None) -> list[str]:
    """Gaya's names and texts in an answer, leaving out what the request itself sent (a search
    page shows the words searched for)."""
    for value in (asked or {}).values():
        text = text.replace(str(value), "")
    return [m for m in FOREIGN if m in text]


def page_client(login_as, person) -> Client:
    return login_as(person)


def send(client, method: str, url: str, *, query=None, data=None, as_json=False, headers=None):
    headers = headers or {}
    if method == "GET":
        return client.get(url, query or {}, **headers)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    call = getattr(client, method.lower())
    if as_json:
        return call(url, json.dumps(data or {}), content_type="application/json", **headers)
    if method == "POST":
        return call(url, data or {}, **headers)
    # PATCH with a form body is not something a page takes; send it as JSON.
    return call(url, json.dumps(data or {}), content_type="application/json", **headers)


# --- the tests ----------------------------------------------------------------------------------------

def test_every_route_is_in_the_tables():
    routes = all_routes(get_resolver().url_patterns)
    missing = uncovered(routes)
    assert not missing, (f"Routes without a visibility check in tests/test_all_routes.py: {missing}. Add each to "
                         "PAGES or API (how to aim it at Gaya) or to ALLOWED (why it shows no district's data).")
    keys = {r.key for r in routes}
    stale = [k for k in [*PAGES, *API, *ALLOWED] if k not in keys and k.removesuffix(" POST") not in keys]
    assert not stale, f"Table entries for routes that no longer exist: {stale}"


def _dummy(request, unit_id):
    return HttpResponse(str(unit_id))


def test_a_route_added_without_coverage_fails_the_check():
    page = path("reports/leak/<int:unit_id>/", _dummy, name="leak")
    routes = all_routes([*get_resolver().url_patterns, page])
    assert uncovered(routes) == ["reports/leak/<int:unit_id>/"]

    api = NinjaAPI(urls_namespace="coverage-check")
    router = Router()
    router.add_api_operation("/units/{unit_id}/leak", ["GET"], lambda request, unit_id: {})
    api.add_router("", router)
    assert uncovered(all_routes([], api)) == ["GET /units/{unit_id}/leak"]

    # An API path Django serves but the description leaves out is caught too.
    hidden = NinjaAPI(urls_namespace="coverage-hidden")
    router = Router()
    router.add_api_operation("/units/{unit_id}/hidden", ["GET"], lambda request, unit_id: {}, include_in_schema=False)
    hidden.add_router("", router)
    assert uncovered(all_routes([path("api/v1/", hidden.urls)], hidden)) == [
        "ANY /units/{unit_id}/hidden (not in the API description)"]


def _pages():
    return [r for r in all_routes(get_resolver().url_patterns) if r.key in PAGES]


def _url(route: Route, kwargs: dict) -> str:
    return reverse(route.name, kwargs=kwargs) if kwargs else reverse(route.name)


def _api_url(key: str, kwargs: dict) -> str:
    return API_PREFIX + key.split(" ", 1)[1].format(**kwargs)


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            self.problems.append(what)


def test_pages_answer_404_for_gaya_and_show_nothing_of_it(me, gaya, login_as):
    found = Findings()
    before = gaya.counts()
    for route in _pages():
        entry = PAGES[route.key]
        client = page_client(login_as, me.person)
        if isinstance(entry, Obj):
            for variant in entry.variants:
                kwargs = {**entry.kwargs(gaya), **variant}
                for method in entry.methods:
                    r = send(client, method, _url(route, kwargs), query=entry.query(gaya) if entry.query else None,
                             data=entry.data(gaya) if entry.data else None)
                    found.expect(r.status_code == 404, f"{me.name} {method} {route.key} {kwargs}: {r.status_code}")
                if entry.own is not None:
                    own = {**entry.own(gaya, me), **variant} if entry.kwargs(gaya) else {}
                    r = client.get(_url(route, own))
                    leaked = foreign_in(text_of(r)) if r.status_code == 200 else []
                    found.expect(not leaked, f"{me.name} GET {route.key} {own} shows {leaked}")
        else:
            status = 403 if isinstance(entry, LeadersOnly) and not me.person.leading_roots() else 200
            for query in entry.queries(gaya):
                r = client.get(_url(route, {}), query)
                found.expect(r.status_code == status, f"{me.name} GET {route.key} {query}: {r.status_code}")
                leaked = foreign_in(text_of(r), query)
                found.expect(not leaked, f"{me.name} GET {route.key} {query} shows {leaked}")
    for key, entry in PAGES.items():
        if isinstance(entry, Create):
            client = page_client(login_as, me.person)
            r = send(client, entry.method, reverse(_name_of(key.removesuffix(" POST"))), data=entry.data(gaya))
            found.expect(r.status_code in (400, 403, 404), f"{me.name} {key}: {r.status_code}")
    found.expect(gaya.counts() == before, f"{me.name}: pages wrote into Gaya: {before} -> {gaya.counts()}")
    assert not found.problems, "\n".join(found.problems)


def _name_of(pattern: str) -> str:
    return next(r.name for r in all_routes(get_resolver().url_patterns) if r.key == pattern)


def test_api_answers_404_for_gaya_and_shows_nothing_of_it(me, gaya, api_as):
    found = Findings()
    before = gaya.counts()
    client = Client()
    headers = api_as(me.person)
    for key, entry in API.items():
        if isinstance(entry, Obj):
            for variant in entry.variants:
                kwargs = {**entry.kwargs(gaya), **variant}
                for method in entry.methods:
                    data = entry.data(gaya) if entry.data else None
                    files = data and any(hasattr(v, "read") for v in data.values())
                    r = send(client, method, _api_url(key, kwargs), data=data, as_json=not files, headers=headers)
                    found.expect(r.status_code == 404, f"{me.name} {key} {kwargs}: {r.status_code} {r.content[:200]}")
                if entry.own is not None:
                    r = client.get(_api_url(key, entry.own(gaya, me)), **headers)
                    leaked = foreign_in(text_of(r))
                    found.expect(r.status_code == 200 and not leaked,
                                 f"{me.name} {key} own: {r.status_code} shows {leaked}")
        elif isinstance(entry, Listing):
            for query in entry.queries(gaya):
                r = client.get(_api_url(key, {}), query, **headers)
                leaked = foreign_in(text_of(r), query)
                found.expect(r.status_code == 200 and not leaked, f"{me.name} {key} {query}: {r.status_code} {leaked}")
        else:
            r = send(client, entry.method, _api_url(key, {}), data=entry.data(gaya), as_json=True, headers=headers)
            body = text_of(r)
            # A batch answers 200 with a status per item: each must be a refusal.
            items = json.loads(body) if r.status_code == 200 and body.startswith("[") else []
            refused = r.status_code in (403, 404, 422) or (items and all(i["status"] >= 400 for i in items))
            found.expect(refused, f"{me.name} {key} into Gaya: {r.status_code} {body[:200]}")
    found.expect(gaya.counts() == before, f"{me.name}: the API wrote into Gaya: {before} -> {gaya.counts()}")
    assert not found.problems, "\n".join(found.problems)
