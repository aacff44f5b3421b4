"""The event's report as pages: read, edit, regenerate and publish it (Hindi and English tabs), and
export it as PDF (Hindi shaped by WeasyPrint with the Lohit Devanagari font) and as plain text ready
to paste into WhatsApp. Each handler starts from visibility (selectors.get_event); the text a person
may read comes from report.readable (the organisers: draft or generated; the others: published only)."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sampark.core.decorators import person_required
from sampark.events import report, selectors, services
from sampark.events.models import EventReport
from sampark.events.services import EventError


def _lang(request) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or ""
    return lang if lang in report.LANGS else ("en" if request.LANGUAGE_CODE == "en" else "hi")


@require_http_methods(["GET", "POST"])
@person_required
def page(request, event_id: int):
    event, lang = selectors.get_event(request.person, event_id), _lang(request)
    if request.method == "POST":
        op, now = request.POST.get("op", ""), timezone.now()
        try:
            if op == "publish":
                report.publish_report(request.person, event, lang, now=now)
                messages.success(request, _("The report is published to the event's audience."))
            elif op == "regenerate":
                report.save_report(request.person, event, lang, None, now=now)
                messages.success(request, _("The report was generated afresh from the record."))
            else:
                report.save_report(request.person, event, lang, request.POST.get("text", ""), now=now)
                messages.success(request, _("The report is saved."))
        except EventError as exc:
            if exc.status == 403:
                raise PermissionDenied(str(exc)) from None
            messages.error(request, str(exc))
            if op not in ("publish", "regenerate"):  # keep what was typed
                return _render(request, event, lang, typed=request.POST.get("text", ""), status=400)
        return redirect(reverse("events:report", args=[event.pk]) + f"?lang={lang}")
    return _render(request, event, lang)


def _render(request, event, lang: str, typed: str | None = None, status: int = 200):
    manage = services.can_manage(request.person, event)
    published = {r.lang for r in EventReport.objects.filter(event=event, status=EventReport.Status.PUBLISHED)}
    if not manage and lang not in published and "lang" not in request.GET and published:
        lang = sorted(published)[0]  # the reader's language is not published: the one that is
    text, state, row = report.readable(request.person, event, lang)
    tabs = [(code, label) for code, label in EventReport._meta.get_field("lang").choices
            if manage or code in published]
    return render(request, "events/report.html", {
        "event": event, "lang": lang, "text": text if typed is None else typed, "state": state, "row": row,
        "can_manage": manage, "tabs": tabs, "headline": report.headline(event, lang),
        "whatsapp": report.whatsapp(event, lang, text),
    }, status=status)


def _pdf_photos(event) -> list[dict]:
    out = []
    for p in event.photos.all()[:12]:
        try:
            path = Path(p.file.path)
        except (NotImplementedError, ValueError):
            continue
        if path.is_file():
            out.append({"uri": path.as_uri(), "caption": p.caption})
    return out


@person_required
def pdf(request, event_id: int):
    event, lang = selectors.get_event(request.person, event_id), _lang(request)
    text, state, row = report.readable(request.person, event, lang)
    html = render(request, "events/report_pdf.html", {
        "event": event, "lang": lang, "headline": report.headline(event, lang), "state": state,
        "paragraphs": [p for p in text.split("\n\n") if p.strip()], "photos": _pdf_photos(event),
    }).content.decode()
    try:
        from weasyprint import HTML
    except ImportError:  # WeasyPrint or its Pango libraries missing: the printable page still works
        return HttpResponse(html)
    out = HttpResponse(HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(),
                       content_type="application/pdf")
    out["Content-Disposition"] = f'inline; filename="event-{event.pk}-report-{lang}.pdf"'
    return out


@person_required
def txt(request, event_id: int):
    """Plain text for WhatsApp: *bold* title, no HTML; ?download=1 saves it as a file."""
    event, lang = selectors.get_event(request.person, event_id), _lang(request)
    text, _state, _row = report.readable(request.person, event, lang)
    out = HttpResponse(report.whatsapp(event, lang, text), content_type="text/plain; charset=utf-8")
    if request.GET.get("download"):
        out["Content-Disposition"] = f'attachment; filename="event-{event.pk}-report-{lang}.txt"'
    return out
