"""Directive pages: thin handlers (STYLE rule 5) over the same services and selectors as the API."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sampark.core import files, tables
from sampark.core.decorators import person_required
from sampark.directives import (
    attachments,
    authoring,
    channels,
    exports,
    policies,
    receipts,
    report_status,
    selectors,
)
from sampark.directives.authoring import DirectiveError
from sampark.directives.forms import AckForm, AttachForm, ComposeForm, EditForm
from sampark.directives.models import Attachment, Directive, Message
from sampark.org.selectors import breadcrumbs
from sampark.people.visibility import leading_roots


@person_required
def inbox(request):
    person = request.person
    items = selectors.inbox(person)
    notices = list(Message.objects.filter(recipient=person, channel="app").select_related("directive")
                   .order_by("-created_at", "-pk")[:5])
    drafts = list(Directive.objects.filter(author=person).exclude(status=Directive.Status.WITHDRAWN)
                  .order_by("-created_at")[:10])
    return render(request, "directives/inbox.html", {
        "items": items, "notices": notices, "sent": drafts, "can_send": bool(leading_roots(person))})


@person_required
def inbox_updates(request):
    """How many directives arrived since a time (kept for pages cached by phones before the pages
    polled /api/v1/me/pulse, web/static/web/live.js): a few dozen bytes when nothing is new."""
    since = parse_datetime(request.GET.get("since", "") or "")
    got = selectors.inbox_updates(request.person, since)
    return JsonResponse({"new": got["new"], "latest": got["latest"].isoformat() if got["latest"] else ""})


@person_required
def detail(request, directive_id: int):
    person = request.person
    d = selectors.directive_for(person, directive_id)
    in_audience = d.is_published and bool(selectors.audience_keys(person, d))
    if in_audience and not d.is_read:
        receipts.mark_read(person, d)  # recorded on open; a reload inserts nothing
        d.is_read = True
    return render(request, "directives/detail.html", {
        "d": d, "in_audience": in_audience, "ack_form": AckForm(), "is_author": d.author_id == person.pk,
        "edit_form": EditForm(initial={"title": d.title, "body": d.body}),
        "revisions": list(d.revisions.all()[:10]) if d.revision > 1 else [],
        "can_rollup": d.is_published and (d.author_id == person.pk or selectors.leads_inside(person, d)),
        "attachments": list(d.attachments.all()), "attach_form": AttachForm(),
        "max_files": attachments.MAX_FILES,
        "report_link": selectors.report_link(person, d) if in_audience else None,
        "report_sent": in_audience and selectors.report_sent(person, d),
    })


@require_POST
@person_required
def ack(request, directive_id: int):
    d = selectors.directive_for(request.person, directive_id)
    form = AckForm(request.POST)
    reply = form.cleaned_data["reply"] if form.is_valid() else ""
    try:
        receipts.acknowledge(request.person, d, reply=reply)
    except DirectiveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Acknowledged. Thank you."))
    return redirect("directives:detail", d.pk)


@person_required
def compose(request):
    posted = request.method == "POST"
    form = ComposeForm(request.POST if posted else None, request.FILES if posted else None, person=request.person)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            d = authoring.create_directive(request.person, target_unit=data["target_unit"], title=data["title"],
                                          body=data["body"], priority=data["priority"],
                                          requires_ack=data["requires_ack"], due_at=data["due_at"],
                                          levels=data["levels"], roles=data["roles"], teams=data["teams"],
                                          required_action=data["required_action"],
                                          required_report_type=data["required_report_type"],
                                          attachments=data["attachments"])
            if "publish" in request.POST:
                authoring.publish_directive(request.person, d)
        except DirectiveError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("directives:detail", d.pk)
    return render(request, "directives/compose.html", {"form": form}, status=400 if form.errors else 200)


def _author_action(request, directive_id: int, action):
    d = selectors.directive_for(request.person, directive_id)
    try:
        action(d)
    except DirectiveError as exc:
        messages.error(request, str(exc))
    return redirect("directives:detail", d.pk)


@require_POST
@person_required
def publish(request, directive_id: int):
    return _author_action(request, directive_id, lambda d: authoring.publish_directive(request.person, d))


@require_POST
@person_required
def attach(request, directive_id: int):
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("directives:detail", directive_id)
    return _author_action(request, directive_id, lambda d: authoring.add_attachment(
        request.person, d, form.cleaned_data["file"]))


@person_required
def attachment(request, directive_id: int, attachment_id: int):
    """The only way to a stored file: the directive must be visible to the reader, else 404."""
    a = (Attachment.objects.filter(pk=attachment_id, directive_id=directive_id,
                                   directive__in=Directive.objects.visible_to(request.person)).first())
    if a is None:
        raise Http404
    return files.serve_file(request, a.file, content_type=a.content_type, filename=a.name)


@require_POST
@person_required
def withdraw(request, directive_id: int):
    return _author_action(request, directive_id, lambda d: authoring.withdraw_directive(request.person, d))


@require_POST
@person_required
def edit(request, directive_id: int):
    form = EditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A directive needs a title."))
        return redirect("directives:detail", directive_id)
    return _author_action(request, directive_id, lambda d: authoring.edit_directive(
        request.person, d, title=form.cleaned_data["title"], body=form.cleaned_data["body"]))


@person_required
def rollup(request, directive_id: int):
    person = request.person
    d = selectors.directive_for(person, directive_id)
    unit = selectors.rollup_unit(person, d, request.GET.get("unit"))
    total, rows = selectors.rollup(d, unit)
    reported = report_status.units_reported(d, [r.unit for r in rows])  # one query for all the rows
    for r in rows:
        r.report_sent = r.unit.pk in reported
    crumbs = [u for u in breadcrumbs(unit, leading_roots(person) + [d.target_path])
              if selectors.may_see_rollup(person, d, u)]
    return render(request, "directives/rollup.html", {
        "d": d, "unit": unit, "total": total, "rows": rows, "crumbs": crumbs,
        "people": selectors.people_at(d, unit), "replies": selectors.replies(d, unit),
        "delivery": channels.delivery_counts(d), "asks_report": report_status.asks_report(d),
        "reported_n": len(reported)})


@person_required
def rollup_export(request, directive_id: int, fmt: str):
    """The roll-up of every unit below (not only the children), as CSV or Excel."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    person = request.person
    d = selectors.directive_for(person, directive_id)
    unit = selectors.rollup_unit(person, d, request.GET.get("unit"))
    if problem := tables.too_many_rows(fmt, exports.rollup_count(d, unit)):
        return HttpResponseBadRequest(problem)
    return tables.table_response(f"directive-{d.pk}-{unit.pk}.{fmt}", fmt, *exports.rollup_table(d, unit),
                                 title=_("Roll-up"))


@person_required
def silent(request, directive_id: int):
    person = request.person
    d = selectors.directive_for(person, directive_id)
    unit = selectors.rollup_unit(person, d, request.GET.get("unit"))
    page = selectors.silent_units(d, unit, selectors.page_number(request.GET.get("page")))
    return render(request, "directives/silent.html", {
        "d": d, "unit": unit, "page": page, "pct": policies.silent_below_percent()})


@csrf_exempt
def whatsapp_webhook(request):
    """WhatsApp Business Cloud API callbacks. GET: Meta's handshake (the verify token we were given
    back, answered with its challenge). POST: delivery and read statuses and inbound messages, each
    signed with the app secret; a bad or missing signature is 403 and changes nothing."""
    if request.method == "GET":
        token = settings.SAMPARK_WHATSAPP_VERIFY_TOKEN
        if (request.GET.get("hub.mode") == "subscribe" and token
                and hmac.compare_digest(request.GET.get("hub.verify_token", ""), token)):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if not channels.signature_ok(request.body, request.headers.get("X-Hub-Signature-256", "")):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "not JSON"}, status=400)
    return JsonResponse(channels.whatsapp_callback(payload if isinstance(payload, dict) else {}))
