"""The writes an author makes to a directive (STYLE rule 4): create, edit, attach, publish,
withdraw. Each is atomic and writes an audit row; publishing sets the directive's timers."""

import uuid
from contextvars import ContextVar
from datetime import datetime
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.text import clean, clean_multiline
from sampark.directives import attachments as files
from sampark.directives.models import Attachment, Directive, Revision, Timer, from_codes
from sampark.directives.policies import remind_before
from sampark.org.models import Level, Unit
from sampark.people.models import Person, Role, team_choices
from sampark.people.visibility import leading_roots

TITLE_MAX = 200
BODY_MAX = 10_000
ACTION_MAX = 300


class DirectiveError(ValueError):
    """Bad input or a step not allowed; the message is for the user. status: the HTTP code."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


class DuplicateRequest(DirectiveError):
    def __init__(self):
        super().__init__(_("This request was already sent with different content."), status=409)


def _snapshot(d: Directive) -> dict:
    """What the audit keeps: the texts' lengths, not the texts (the revisions keep them)."""
    return {"title_len": audit.length(d.title), "body_len": audit.length(d.body), "status": d.status, "priority": d.priority,
            "requires_ack": d.requires_ack, "due_at": d.due_at.isoformat() if d.due_at else None,
            "target": d.target_unit_id, "levels": d.levels, "roles": d.roles, "teams": d.teams,
            "revision": d.revision, "required_action": d.required_action,
            "required_report_type": d.required_report_type_id,
            "attachments": [a.pk for a in d.attachments.all()] if d.pk else []}


def _codes(values, allowed: set[str], message: str) -> str:
    values = [clean(str(v)) for v in (values or []) if str(v).strip()]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise DirectiveError(message.format(", ".join(bad)))
    return from_codes(values)


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title, body = clean(title or ""), clean_multiline(body or "")  # the text keeps its line breaks
    if not title:
        raise DirectiveError(_("A directive needs a title."))
    if len(title) > TITLE_MAX:
        raise DirectiveError(_("The title is too long (at most {n} characters).").format(n=TITLE_MAX))
    if len(body) > BODY_MAX:
        raise DirectiveError(_("The text is too long (at most {n} characters).").format(n=BODY_MAX))
    return title, body


def leadable_target(actor: Person, unit_id) -> Unit:
    """The unit if the actor may send to it: 404 when they cannot see it, 403 when they see it
    only as a worker (a directive goes down from someone who leads at or above its target)."""
    unit = Unit.objects.visible_to(actor).filter(pk=unit_id).first() if str(unit_id).isdigit() else None
    if unit is None:
        raise Http404
    if not paths.in_subtrees(unit.path, leading_roots(actor)):
        raise DirectiveError(_("Only those who lead this unit or one above it can send it a directive."),
                             status=403)
    return unit


def _report_type(code):
    """The active report type with this code (or None for no code); an unknown code is an error."""
    from sampark.reports.models import ReportType

    if code in (None, ""):
        return None
    if isinstance(code, ReportType):
        return code
    found = ReportType.objects.filter(code=clean(str(code)), active=True).first()
    if found is None:
        raise DirectiveError(_("Unknown report type: {}").format(clean(str(code))))
    return found


def _check_files(uploads, already: int = 0) -> list[files.Checked]:
    uploads = [u for u in (uploads or []) if u is not None]
    if already + len(uploads) > files.MAX_FILES:
        raise DirectiveError(files.too_many_message())
    try:
        return [files.check(u) for u in uploads]
    except files.AttachmentError as exc:
        raise DirectiveError(str(exc), status=exc.status) from None


_stored_files: ContextVar[list | None] = ContextVar("stored_files", default=None)


def files_removed_on_error(service):
    """Around an atomic service that stores files: if it raises (its transaction is rolled back),
    the files it wrote are deleted too, so a failed write leaves neither rows nor files. (Should a
    caller's own outer transaction roll back later, a file may stay without a row: never served,
    since files are only reached through their rows.)"""

    @wraps(service)
    def wrapper(*args, **kwargs):
        if _stored_files.get() is not None:
            return service(*args, **kwargs)
        stored: list[str] = []
        token = _stored_files.set(stored)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for rel in stored:
                files.remove(rel)
            raise
        finally:
            _stored_files.reset(token)

    return wrapper


def _attach(actor: Person, d: Directive, checked: list[files.Checked], now: datetime) -> list[Attachment]:
    """Store the files, then their rows (see files_removed_on_error)."""
    made = []
    for c in checked:
        rel = files.store(d.pk, c)
        stored = _stored_files.get()
        if stored is not None:
            stored.append(rel)
        made.append(Attachment.objects.create(directive=d, name=c.name, content_type=c.content_type, size=c.size,
                                              file=rel, revision=d.revision, uploaded_by=actor, created_at=now))
    return made


@files_removed_on_error
@transaction.atomic
def create_directive(actor: Person, *, target_unit, title: str, body: str = "", priority: str = "normal",
                     requires_ack: bool = True, due_at: datetime | None = None, levels=None, roles=None,
                     teams=None, required_action: str = "", required_report_type=None, attachments=None,
                     client_uuid: uuid.UUID | None = None, now: datetime | None = None) -> Directive:
    """A draft, with its attachments (uploaded files, checked before anything is written). The same
    client_uuid with the same content returns the first draft; with other content 409."""
    now = now or timezone.now()
    unit = leadable_target(actor, getattr(target_unit, "pk", target_unit))
    title, body = _clean_text(title, body)
    required_action = clean(required_action or "")
    if len(required_action) > ACTION_MAX:
        raise DirectiveError(_("The required action is too long (at most {n} characters).").format(n=ACTION_MAX))
    if priority not in Directive.Priority.values:
        raise DirectiveError(_("Priority must be normal or urgent."))
    if due_at is not None:
        if timezone.is_naive(due_at):
            due_at = timezone.make_aware(due_at)
        if due_at <= now:
            raise DirectiveError(_("The due time must be in the future."))
    fields = {
        "target_unit": unit, "target_path": unit.path, "title": title, "body": body, "priority": priority,
        "requires_ack": bool(requires_ack), "due_at": due_at,
        "levels": _codes(levels, set(Level.objects.values_list("code", flat=True)), _("Unknown level: {}")),
        "roles": _codes(roles, set(Role.values), _("Unknown role: {}")),
        "teams": _codes(teams, {code for code, _name in team_choices()}, _("Unknown team: {}")),
        "required_action": required_action, "required_report_type": _report_type(required_report_type),
    }
    if client_uuid is not None:
        first = Directive.objects.filter(author=actor, client_uuid=client_uuid).first()
        if first is not None:
            same = first.target_unit_id == unit.pk and all(
                getattr(first, k) == v for k, v in fields.items() if k != "target_unit")
            if not same:
                raise DuplicateRequest()
            return first
    checked = _check_files(attachments)
    try:
        with transaction.atomic():
            d = Directive.objects.create(author=actor, client_uuid=client_uuid, **fields)
    except IntegrityError as exc:  # the same client_uuid raced in
        raise DuplicateRequest() from exc
    Revision.objects.create(directive=d, number=1, title=title, body=body, edited_by=actor)
    _attach(actor, d, checked, now)
    audit.record(actor, "directive.create", d, after=_snapshot(d))
    return d


def _own_or_404(actor: Person, directive: Directive) -> Directive:
    d = Directive.objects.select_for_update().filter(pk=directive.pk, author=actor).first()
    if d is None:
        raise Http404
    return d


@transaction.atomic
def publish_directive(actor: Person, directive: Directive, *, now: datetime | None = None) -> Directive:
    """Draft → published in one transaction with its timers: a crash leaves a draft or a whole directive.
    Publishing again is a no-op (a retry)."""
    now = now or timezone.now()
    d = _own_or_404(actor, directive)
    if d.status == Directive.Status.PUBLISHED:
        return d
    if d.status != Directive.Status.DRAFT:
        raise DirectiveError(_("A withdrawn directive cannot be published again."), status=409)
    if d.due_at is not None and d.due_at <= now:
        raise DirectiveError(_("The due time has passed; set a new one before publishing."))
    # The sender must still lead at or above the target.
    leadable_target(actor, d.target_unit_id)
    before = _snapshot(d)
    d.status = Directive.Status.PUBLISHED
    d.published_at = now
    d.save(update_fields=["status", "published_at"])
    # The phone messages go out from the worker: publishing returns at once, whatever the audience.
    timers = [Timer(directive=d, kind=Timer.Kind.EXPECTED, due_at=now),
              Timer(directive=d, kind=Timer.Kind.ANNOUNCE, due_at=now)]
    if d.due_at is not None:
        if d.requires_ack:
            remind_at = max(d.due_at - remind_before(), now + (d.due_at - now) / 2)
            timers.append(Timer(directive=d, kind=Timer.Kind.REMIND, due_at=remind_at))
        # Depth of the deepest possible unit: a child's level is always below its parent's.
        deepest = Level.objects.count() - 1
        if deepest > paths.depth(d.target_path):
            timers.append(Timer(directive=d, kind=Timer.Kind.ESCALATE, due_at=d.due_at, step_depth=deepest))
    Timer.objects.bulk_create(timers)
    audit.record(actor, "directive.publish", d, before=before, after=_snapshot(d))
    return d


@transaction.atomic
def edit_directive(actor: Person, directive: Directive, *, title: str, body: str,
                   now: datetime | None = None) -> Directive:
    """A new visible revision: readers see that it changed and can open the earlier text."""
    now = now or timezone.now()
    d = _own_or_404(actor, directive)
    if d.status == Directive.Status.WITHDRAWN:
        raise DirectiveError(_("A withdrawn directive cannot be edited."), status=409)
    title, body = _clean_text(title, body)
    if (title, body) == (d.title, d.body):
        return d
    before, old = _snapshot(d), {"title": d.title, "body": d.body}
    d.title, d.body = title, body
    d.revision += 1
    d.edited_at = now if d.status == Directive.Status.PUBLISHED else None
    d.save(update_fields=["title", "body", "revision", "edited_at"])
    Revision.objects.create(directive=d, number=d.revision, title=title, body=body, edited_by=actor)
    audit.record(actor, "directive.edit", d, before=before,
                 after={**_snapshot(d), "changed": audit.changed(old, {"title": title, "body": body})})
    return d


@files_removed_on_error
@transaction.atomic
def add_attachment(actor: Person, directive: Directive, upload, *, now: datetime | None = None) -> Attachment:
    """Only the author. On a draft the file simply joins it; on a published directive it is an edit:
    a new visible revision, so readers see the directive changed."""
    now = now or timezone.now()
    d = _own_or_404(actor, directive)
    if d.status == Directive.Status.WITHDRAWN:
        raise DirectiveError(_("A withdrawn directive cannot be edited."), status=409)
    if upload is None:
        raise DirectiveError(_("Choose a file to attach."))
    (checked,) = _check_files([upload], already=d.attachments.count())
    before = _snapshot(d)
    if d.status == Directive.Status.PUBLISHED:
        d.revision += 1
        d.edited_at = now
        d.save(update_fields=["revision", "edited_at"])
        Revision.objects.create(directive=d, number=d.revision, title=d.title, body=d.body, edited_by=actor)
    (made,) = _attach(actor, d, [checked], now)
    audit.record(actor, "directive.attach", d, before=before, after=_snapshot(d))
    return made


@transaction.atomic
def withdraw_directive(actor: Person, directive: Directive, *, now: datetime | None = None) -> Directive:
    now = now or timezone.now()
    d = _own_or_404(actor, directive)
    if d.status == Directive.Status.WITHDRAWN:
        return d
    before = _snapshot(d)
    d.status = Directive.Status.WITHDRAWN
    d.withdrawn_at = now
    d.save(update_fields=["status", "withdrawn_at"])
    Timer.objects.filter(directive=d, done=False).update(done=True)
    audit.record(actor, "directive.withdraw", d, before=before, after=_snapshot(d))
    return d

