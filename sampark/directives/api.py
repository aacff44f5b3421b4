"""Directive endpoints: parse, check access, call a service or selector, serialise."""

import json
from datetime import datetime
from uuid import UUID

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from sampark.core.errors import READ, WRITE, error_body, error_responses
from sampark.directives import authoring, receipts, selectors
from sampark.directives.authoring import DirectiveError
from sampark.directives.models import Directive

router = Router(tags=["directives"])
ERRORS = error_responses(WRITE, 409)
OPTIONAL_FILE = File(None)  # a missing file gets our own message, not a schema error


class DirectiveIn(Schema):
    title: str
    body: str = ""
    target_unit: int
    priority: str = "normal"
    requires_ack: bool = True
    due_at: datetime | None = None
    levels: list[str] = []
    roles: list[str] = []
    teams: list[str] = []
    required_action: str = ""
    required_report_type: str | None = None
    client_uuid: UUID | None = None


class EditIn(Schema):
    title: str
    body: str = ""


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class DirectiveOut(Schema):
    id: int
    title: str
    body: str | None = None
    target_unit: int
    priority: str
    requires_ack: bool
    due_at: datetime | None
    status: str
    revision: int
    published_at: datetime | None
    edited_at: datetime | None
    levels: list[str]
    roles: list[str]
    teams: list[str]
    required_action: str = ""
    required_report_type: str | None = None
    attachments: list[AttachmentOut] = []
    is_read: bool = False
    is_acked: bool = False


class ReceiptOut(Schema):
    id: int
    read: bool
    acked: bool
    new: bool


class RollupRowOut(Schema):
    unit: int
    name_hi: str
    name_en: str
    level: str
    expected: int
    read: int
    acked: int
    read_pct: int
    acked_pct: int


class DirectiveRollupOut(Schema):
    directive: int
    unit: RollupRowOut
    children: list[RollupRowOut]


def attachment_out(a) -> dict:
    return {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size,
            "url": reverse("directives:attachment", args=[a.directive_id, a.pk])}


def directive_out(d: Directive, with_body: bool = True) -> dict:
    """with_body=False is the inbox's light shape: no body and no attachment list (one query fewer)."""
    t = d.required_report_type if d.required_report_type_id else None
    return {"required_action": d.required_action, "required_report_type": t.code if t else None,
            "attachments": [attachment_out(a) for a in d.attachments.all()] if with_body else [],
            "id": d.pk, "title": d.title, "body": d.body if with_body else None, "target_unit": d.target_unit_id,
            "priority": d.priority, "requires_ack": d.requires_ack, "due_at": d.due_at, "status": d.status,
            "revision": d.revision, "published_at": d.published_at, "edited_at": d.edited_at,
            "levels": d.level_codes, "roles": d.role_codes, "teams": d.team_codes,
            "is_read": getattr(d, "is_read", False), "is_acked": getattr(d, "is_acked", False)}


def row_out(row: selectors.RollupRow) -> dict:
    u = row.unit
    return {"unit": u.pk, "name_hi": u.name_hi, "name_en": u.name_en, "level": u.level.code,
            "expected": row.expected, "read": row.reads, "acked": row.acks,
            "read_pct": row.read_pct, "acked_pct": row.ack_pct}


def _error(exc: DirectiveError):
    return exc.status, error_body(exc)


@router.post("/directives", response={201: DirectiveOut, 200: DirectiveOut, **ERRORS})
def create(request, data: DirectiveIn):
    try:
        d = authoring.create_directive(request.person, target_unit=data.target_unit, title=data.title,
                                      body=data.body, priority=data.priority, requires_ack=data.requires_ack,
                                      due_at=data.due_at, levels=data.levels, roles=data.roles, teams=data.teams,
                                      required_action=data.required_action,
                                      required_report_type=data.required_report_type, client_uuid=data.client_uuid)
    except DirectiveError as exc:
        return _error(exc)
    return 201, directive_out(d)


@router.get("/directives/{directive_id}", response={200: DirectiveOut, **error_responses(READ)})
def detail(request, directive_id: int):
    return directive_out(selectors.directive_for(request.person, directive_id))


@router.patch("/directives/{directive_id}", response={200: DirectiveOut, **ERRORS})
def edit(request, directive_id: int, data: EditIn):
    d = selectors.directive_for(request.person, directive_id)
    try:
        return 200, directive_out(authoring.edit_directive(request.person, d, title=data.title, body=data.body))
    except DirectiveError as exc:
        return _error(exc)


@router.post("/directives/{directive_id}/publish", response={200: DirectiveOut, **ERRORS})
def publish(request, directive_id: int):
    d = selectors.directive_for(request.person, directive_id)
    try:
        return 200, directive_out(authoring.publish_directive(request.person, d))
    except DirectiveError as exc:
        return _error(exc)


@router.post("/directives/{directive_id}/attachments", response={201: AttachmentOut, **ERRORS, **error_responses(503)})
def attach(request, directive_id: int, file: UploadedFile | None = OPTIONAL_FILE):
    """Multipart `file`: a PDF or an image. Only the author; on a published directive it makes a new
    revision. Others get 404."""
    d = selectors.directive_for(request.person, directive_id)
    try:
        return 201, attachment_out(authoring.add_attachment(request.person, d, file))
    except DirectiveError as exc:
        return _error(exc)


@router.post("/directives/{directive_id}/withdraw", response={200: DirectiveOut, **ERRORS})
def withdraw(request, directive_id: int):
    d = selectors.directive_for(request.person, directive_id)
    return 200, directive_out(authoring.withdraw_directive(request.person, d))


@router.get("/inbox", response={200: list[DirectiveOut], **error_responses(401)})
def inbox(request):
    return [directive_out(d, with_body=False) for d in selectors.inbox(request.person)]


@router.post("/directives/{directive_id}/read", response={200: ReceiptOut, **error_responses(READ, 403)})
def read(request, directive_id: int):
    d = selectors.directive_for(request.person, directive_id)
    new = receipts.mark_read(request.person, d)
    return {"id": d.pk, "read": True, "acked": d.is_acked, "new": new}


def _optional_reply(request) -> str | None:
    """The body is optional (a bare POST acknowledges); when present it is {"reply": "..."}."""
    if not request.body or request.content_type != "application/json":
        return ""
    try:
        data = json.loads(request.body)
    except ValueError as exc:
        raise HttpError(400, "not JSON") from exc  # answered 400 like any unparsable body
    reply = data.get("reply", "") if isinstance(data, dict) else None
    return reply if isinstance(reply, str) else None


@router.post("/directives/{directive_id}/ack", response={200: ReceiptOut, **ERRORS},
             openapi_extra={"requestBody": {"required": False, "content": {"application/json": {
                 "schema": {"type": "object", "properties": {"reply": {"type": "string", "maxLength": 500}}}}}}})
def ack(request, directive_id: int):
    d = selectors.directive_for(request.person, directive_id)
    reply = _optional_reply(request)
    if reply is None:
        return 422, error_body(_("Send {\"reply\": \"...\"} or nothing."))
    try:
        new = receipts.acknowledge(request.person, d, reply=reply)
    except DirectiveError as exc:
        return _error(exc)
    return 200, {"id": d.pk, "read": True, "acked": True, "new": new}


@router.get("/directives/{directive_id}/rollup", response={200: DirectiveRollupOut, **error_responses(READ)})
def rollup(request, directive_id: int, unit: int | None = None):
    d = selectors.directive_for(request.person, directive_id)
    root = selectors.rollup_unit(request.person, d, unit)
    total, rows = selectors.rollup(d, root)
    return {"directive": d.pk, "unit": row_out(total), "children": [row_out(r) for r in rows]}
