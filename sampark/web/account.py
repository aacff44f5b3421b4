"""Pages about log-in sessions: a person's own (see them, end any or all), and a coordinator
ending a member's when a phone is lost."""

import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sampark.core import mydata
from sampark.core.decorators import person_required
from sampark.core.stepup import step_up_redirect
from sampark.core.tables import table_response
from sampark.core.visibility import leading_roots
from sampark.people import erasure, services, sessions, twofactor
from sampark.people.middleware import logout
from sampark.people.models import Notify, Person

MAX_ID = 2**63 - 1
_REF = re.compile(r"[0-9a-f]{16}")

# Most phones and browsers say who they are in these words; the first found names the device.
_SYSTEMS = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]
_BROWSERS = [("SamsungBrowser", "Samsung Internet"), ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox", "Firefox"),
             ("Chrome", "Chrome"), ("Safari", "Safari")]


def device(user_agent: str) -> str:
    system = next((name for word, name in _SYSTEMS if word in user_agent), "")
    browser = next((name for word, name in _BROWSERS if word in user_agent), "")
    if system and browser:
        return _("{browser} on {system}").format(browser=browser, system=system)
    return system or browser or _("Unknown device")


def _rows(request, person):
    current = request.session.session_key
    return [{"ref": sessions.ref(s.session_key), "current": s.session_key == current,
             "device": device(s.user_agent), "place": s.ip_prefix, "created_at": s.created_at,
             "last_seen_at": s.last_seen_at} for s in sessions.active_sessions(person)]


@person_required
def my_sessions(request):
    return render(request, "web/sessions.html", {"rows": _rows(request, request.person)})


@require_POST
@person_required
def end_my_sessions(request):
    """``ref`` ends one session (this one logs out), ``others`` all but this one."""
    current = request.session.session_key
    ref = request.POST.get("ref", "")
    if ref and current and ref == sessions.ref(current):
        logout(request)
        return redirect("login")
    if ref and _REF.fullmatch(ref):
        ended = sessions.end_sessions(request.person, request.person, only=ref)
    elif request.POST.get("others"):
        ended = sessions.end_sessions(request.person, request.person, keep=current)
    else:
        ended = 0
    messages.info(request, _("Sessions ended: {n}").format(n=ended))
    return redirect("my-sessions")


def _member_or_404(request, person_id: int) -> Person:
    """A person in a subtree the viewer leads (coordinators and heads); 404 otherwise, as for a
    missing person."""
    if person_id > MAX_ID:
        raise Http404
    member = Person.objects.in_subtrees(leading_roots(request.person)).filter(pk=person_id).first()
    if member is None:
        raise Http404
    return member


@person_required
def member_sessions(request, person_id: int):
    member = _member_or_404(request, person_id)
    return render(request, "web/member_sessions.html",
                  {"member": member, "count": len(sessions.active_sessions(member))})


@require_POST
@person_required
def end_member_sessions(request, person_id: int):
    member = _member_or_404(request, person_id)
    ended = sessions.end_sessions(request.person, member,
                                  keep=request.session.session_key if member == request.person else None)
    messages.info(request, _("Sessions ended: {n}").format(n=ended))
    return redirect("member-sessions", person_id=member.pk)


@require_POST
@person_required
def reset_member_second_factor(request, person_id: int):
    """For a member who lost both their phone's authenticator and their recovery codes. The leader
    gives their own second factor first if it is not fresh (then presses again)."""
    member = _member_or_404(request, person_id)
    back = redirect("member-sessions", person_id=member.pk)
    if member == request.person:
        messages.error(request, _("Your own second factor is reset by a leader above you."))
        return back
    if step_up := step_up_redirect(request, come_back=back.url):
        messages.info(request, _("Give your own second factor first, then press the button again."))
        return step_up
    twofactor.reset(request.person, member)
    messages.success(request, _("Second factor removed. They set it up again at their next log-in."))
    return back


@person_required
def my_data(request):
    """Everything held about the viewer (the DPDP Act's right of access): shown by section, and
    downloadable as JSON or as CSV (one row per item, its section in the first column)."""
    data = mydata.collect(request.person)
    download = request.GET.get("download", "")
    if download == "json":
        response = HttpResponse(mydata.as_json(data), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sampark-my-data.json"'
        return response
    if download == "csv":
        columns, rows = mydata.columns_and_rows(data)
        return table_response("sampark-my-data.csv", "csv", columns, rows)
    return _my_data_page(request, data)


def _my_data_page(request, data: dict, *, error: str = "", form=None, status: int = 200):
    """The page: each section with its count and items, the name form (refilled after a refusal) and
    the erasure section."""
    labels = {name: section.label for name, section in mydata.registered_sections().items()}
    sections = [(labels[name], len(items), mydata.as_json(items)) for name, items in data.items()]
    return render(request, "web/my_data.html", {"sections": sections, "me": request.person, "error": error,
                                                "form": form, "erasure": erasure.page_context(request.person),
                                                "notify_choices": Notify.choices},
                  status=status)


@person_required
@require_POST
def correct_my_name(request):
    """The person corrects their own name and language (the DPDP Act's right of correction); the rest
    of what is held is corrected by their coordinator. Nothing is saved when a value is refused."""
    try:
        services.update_person(request.person, request.person, name_hi=request.POST.get("name_hi", ""),
                               name_en=request.POST.get("name_en", ""), lang=request.POST.get("lang", "hi"),
                               notify=request.POST.get("notify") or None)
    except services.PeopleError as exc:
        return _my_data_page(request, mydata.collect(request.person), error=str(exc), form=request.POST, status=400)
    messages.success(request, _("Your name and language are saved."))
    return redirect("my-data")
