"""The writes of the network (STYLE rule 4): a member registers, edits, hides and removes their own
handles and enters dated counts; a coordinator above verifies handles and confirms or rejects a
count that jumped. Each write is atomic, audited, and appends its change to the roll-up queue
(rollups.queue_change) in the same transaction. Nothing here talks to a platform."""

import uuid
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.locks import tree_lock
from sampark.core.text import UnsafeText, clean
from sampark.network import policies, rollups
from sampark.network.models import Handle, Platform, Snapshot
from sampark.org.models import Unit
from sampark.people.models import Post
from sampark.people.visibility import leading_roots

HANDLE_MAX = 100
COUNT_MAX = 10_000_000_000
EARLIEST = date(2000, 1, 1)


class NetworkError(ValueError):
    """Bad input or a step not allowed; the message is for the user. status: the HTTP code."""

    def __init__(self, message: str, status: int = 422, field: str = ""):
        super().__init__(message)
        self.status = status
        self.field = field


# --- checks ----------------------------------------------------------------------------------------

def platform_by_code(code: str) -> Platform:
    p = Platform.objects.filter(code=str(code or "").strip().lower(), active=True).first()
    if p is None:
        raise NetworkError(_("Choose a platform from the list."), field="platform")
    return p


def clean_url(platform: Platform, raw: str) -> str:
    """The link as stored: https, on one of the platform's hosts (or a subdomain), no spaces."""
    value = (raw or "").strip()
    if not value:
        raise NetworkError(_("Give the link to your page or profile."), field="url")
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
    except ValueError:
        host, parts = "", None
    if parts is None or parts.scheme not in ("http", "https") or not host or " " in value or len(value) > 300:
        raise NetworkError(_("This is not a web link."), field="url")
    host = host.removeprefix("www.").removeprefix("m.")
    if not any(host == h or host.endswith("." + h) for h in platform.host_list()):
        raise NetworkError(_("A {platform} link must be on {hosts}.").format(
            platform=platform.name, hosts=", ".join(platform.host_list())), field="url")
    return "https://" + value.split("://", 1)[1]


def clean_handle(raw: str, url: str) -> str:
    """The handle as shown: without a leading @; taken from the link's path when left empty."""
    try:
        value = clean(raw or "").removeprefix("@").strip()
    except UnsafeText:
        value = ""
    if not value:
        segments = [s for s in urlsplit(url).path.split("/") if s]
        value = segments[-1].removeprefix("@") if segments else ""
    if not value:
        raise NetworkError(_("Give the handle (the name after @) or a link that ends with it."), field="handle")
    if len(value) > HANDLE_MAX:
        raise NetworkError(_("A handle has at most {n} characters.").format(n=HANDLE_MAX), field="handle")
    return value


def clean_count(raw) -> int:
    try:
        value = int(str(raw).strip().replace(",", ""))
    except (TypeError, ValueError):
        raise NetworkError(_("The count must be a whole number."), field="count") from None
    if value < 0 or value > COUNT_MAX:
        raise NetworkError(_("The count must be between 0 and {n}.").format(n=COUNT_MAX), field="count")
    return value


def clean_date(raw, today: date) -> date:
    if isinstance(raw, datetime):
        raw = raw.date()
    if not isinstance(raw, date):
        try:
            raw = date.fromisoformat(str(raw).strip())
        except ValueError:
            raise NetworkError(_("Give the date as YYYY-MM-DD."), field="date") from None
    if raw > today:
        raise NetworkError(_("The date cannot be in the future."), field="date")
    if raw < EARLIEST:
        raise NetworkError(_("The date is too far in the past."), field="date")
    return raw


def member_units(person) -> list[Unit]:
    """The units where the person holds an active post, deepest first: a handle belongs to one."""
    ids = Post.objects.filter(person=person, active=True).values_list("unit_id", flat=True)
    units = list(Unit.objects.filter(pk__in=list(ids)).select_related("level"))
    return sorted(units, key=lambda u: (-len(u.path), u.pk))


def _unit_for(person, unit_id) -> Unit:
    units = member_units(person)
    if not units:
        raise NetworkError(_("You hold no post in any unit, so a handle has nowhere to belong."), field="unit")
    if unit_id in (None, ""):
        return units[0]
    for u in units:
        if str(u.pk) == str(unit_id):
            return u
    raise NetworkError(_("Choose one of your own units."), field="unit")


def can_review(person, handle: Handle) -> bool:
    """Those who lead a unit above the handle's (or the unit itself) verify and confirm; not its member."""
    return handle.person_id != person.pk and paths.in_subtrees(handle.unit_path, leading_roots(person))


def _own(person, handle: Handle) -> None:
    if handle.person_id != person.pk:
        raise NetworkError(_("Only the member can change their own handle."), status=403)


def _snap(h: Handle) -> dict:
    return {"platform": h.platform.code, "handle": h.handle, "url": h.url, "unit": h.unit_id, "status": h.status,
            "verified": bool(h.verified_at)}


# --- handles ---------------------------------------------------------------------------------------

@transaction.atomic
def register_handle(person, *, platform: str, handle: str = "", url: str = "", unit=None,
                    client_uuid=None, now: datetime | None = None) -> tuple[Handle, bool]:
    """Register the person's own handle on a platform; (handle, created). A retry (same client id, or
    the same platform and link) gives the handle back unchanged."""
    now = now or timezone.now()
    if client_uuid:
        try:
            client_uuid = uuid.UUID(str(client_uuid))
        except ValueError:
            raise NetworkError(_("The request id is not valid."), field="client_uuid") from None
        same = Handle.objects.filter(client_uuid=client_uuid).first()
        if same is not None:
            if same.person_id != person.pk:
                raise NetworkError(_("This request id was already used."), status=409, field="client_uuid")
            return same, False
    p = platform_by_code(platform)
    link = clean_url(p, url)
    text = clean_handle(handle, link)
    tree_lock()  # the unit's path is copied: no subtree moves meanwhile
    home = _unit_for(person, unit)
    existing = Handle.objects.filter(person=person, platform=p).first()
    if existing is not None:
        if existing.url == link and existing.handle == text:
            return existing, False
        raise NetworkError(_("You already have a handle on {platform}. Change that one instead.").format(
            platform=p.name), status=409, field="platform")
    h = Handle(person=person, platform=p, handle=text, url=link, unit=home, unit_path=home.path,
               created_at=now, client_uuid=client_uuid)
    try:
        with transaction.atomic():
            h.save()
    except IntegrityError:
        raise NetworkError(_("You already have a handle on {platform}. Change that one instead.").format(
            platform=p.name), status=409, field="platform") from None
    rollups.queue_change(None, rollups.state(h))
    audit.record(person, "network.handle.create", h, after=_snap(h))
    return h, True


@transaction.atomic
def update_handle(person, h: Handle, *, handle: str | None = None, url: str | None = None, unit=None,
                  status: str | None = None) -> Handle:
    """The member changes their handle's text, link, unit, or hides / shows it. A changed link is no
    longer verified."""
    _own(person, h)
    h = Handle.objects.select_for_update().select_related("platform").get(pk=h.pk)
    before, old = rollups.state(h), _snap(h)
    if url is not None:
        link = clean_url(h.platform, url)
        if link != h.url:
            h.url, h.verified_at, h.verified_by = link, None, None
    if handle is not None:
        h.handle = clean_handle(handle, h.url)
    if unit not in (None, ""):
        tree_lock()
        home = _unit_for(person, unit)
        h.unit, h.unit_path = home, home.path
    if status is not None:
        if status not in Handle.Status.values:
            raise NetworkError(_("Choose active or hidden."), field="status")
        h.status = status
    h.save()
    rollups.queue_change(before, rollups.state(h))
    audit.record(person, "network.handle.update", h, before=old, after=_snap(h))
    return h


@transaction.atomic
def remove_handle(person, h: Handle) -> None:
    """The member removes a handle with its history (it leaves the figures, past ones too)."""
    _own(person, h)
    h = Handle.objects.select_for_update().select_related("platform").get(pk=h.pk)
    rollups.queue_change(rollups.state(h), None)
    audit.record(person, "network.handle.remove", h, before=_snap(h))
    h.delete()


@transaction.atomic
def verify_handle(person, h: Handle, *, verified: bool = True, now: datetime | None = None) -> Handle:
    """A coordinator above marks the handle as checked (it is the member's), or takes that back."""
    if not can_review(person, h):
        raise NetworkError(_("Only a coordinator above the member can verify a handle."), status=403)
    h = Handle.objects.select_for_update().get(pk=h.pk)
    before = rollups.state(h)
    if verified and h.verified_at is None:
        h.verified_at, h.verified_by = now or timezone.now(), person
    elif not verified:
        h.verified_at, h.verified_by = None, None
    h.save(update_fields=["verified_at", "verified_by"])
    rollups.queue_change(before, rollups.state(h))
    audit.record(person, "network.handle.verify" if verified else "network.handle.unverify", h)
    return h


# --- snapshots -------------------------------------------------------------------------------------

def _refresh_latest(h: Handle) -> None:
    last = h.snapshots.filter(status=Snapshot.Status.COUNTED).order_by("-date").values_list("date", "count").first()
    h.latest_date, h.latest_count = last if last else (None, None)
    h.save(update_fields=["latest_date", "latest_count"])


def jump_status(previous: int | None, count: int) -> str:
    """FLAGGED when the count is more than the factor times the previous counted one (and the jump
    is not small); COUNTED otherwise."""
    if previous is None or count - previous < policies.get(policies.JUMP_MIN):
        return Snapshot.Status.COUNTED
    if count > previous * policies.get(policies.JUMP_FACTOR):
        return Snapshot.Status.FLAGGED
    return Snapshot.Status.COUNTED


@transaction.atomic
def add_snapshot(person, h: Handle, *, date, count, today: date | None = None, now: datetime | None = None,
                 source: str | None = None) -> tuple[Snapshot, bool]:
    """A dated count for the handle, by its member (or a coordinator above, on their behalf). One per
    handle and day: the same count again changes nothing; another count corrects it."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if h.person_id != person.pk and not can_review(person, h):
        raise NetworkError(_("Only the member or a coordinator above can enter counts."), status=403)
    day, value = clean_date(date, today), clean_count(count)
    h = Handle.objects.select_for_update().select_related("platform").get(pk=h.pk)
    source = source or (Snapshot.Source.MEMBER if h.person_id == person.pk else Snapshot.Source.COORDINATOR)
    existing = h.snapshots.filter(date=day).first()
    if existing is not None and existing.count == value:
        return existing, False
    before = rollups.state(h)
    previous = (h.snapshots.filter(status=Snapshot.Status.COUNTED, date__lt=day).order_by("-date")
                .values_list("count", flat=True).first())
    status = jump_status(previous, value)
    if existing is not None:
        existing.count, existing.status, existing.entered_by = value, status, person
        existing.reviewed_by = existing.reviewed_at = None
        existing.save()
        snap, created = existing, False
    else:
        snap = Snapshot.objects.create(handle=h, date=day, count=value, status=status, source=source,
                                       entered_by=person, created_at=now)
        created = True
    _refresh_latest(h)
    rollups.queue_change(before, rollups.state(h))
    audit.record(person, "network.snapshot", snap, after={"handle": h.pk, "date": day.isoformat(), "count": value,
                                                            "status": status})
    return snap, created


@transaction.atomic
def review_snapshot(person, snap: Snapshot, *, accept: bool, now: datetime | None = None) -> Snapshot:
    """A coordinator above confirms a count that jumped (it is counted from then on) or rejects it."""
    h = Handle.objects.select_for_update().get(pk=snap.handle_id)
    if not can_review(person, h):
        raise NetworkError(_("Only a coordinator above the member can confirm a count."), status=403)
    snap = Snapshot.objects.get(pk=snap.pk)
    if snap.status != Snapshot.Status.FLAGGED:
        raise NetworkError(_("This count is not waiting for confirmation."), status=409)
    before = rollups.state(h)
    snap.status = Snapshot.Status.COUNTED if accept else Snapshot.Status.REJECTED
    snap.reviewed_by, snap.reviewed_at = person, now or timezone.now()
    snap.save()
    _refresh_latest(h)
    rollups.queue_change(before, rollups.state(h))
    audit.record(person, "network.snapshot.confirm" if accept else "network.snapshot.reject", snap)
    return snap


def stale_before(today: date) -> date:
    return today - timedelta(days=policies.get(policies.STALE_DAYS))
