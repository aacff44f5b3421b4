"""Pages of the second factor (sampark.people.twofactor): enrolling an authenticator app, adding a
passkey, and giving the factor, at log-in (after the SMS code) or again before a bulk reveal."""

import json

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampark.core.decorators import person_required
from sampark.core.text import clean
from sampark.people import twofactor
from sampark.people.middleware import login, logout
from sampark.people.models import Passkey
from sampark.people.twofactor import SecondFactorError
from sampark.web.middleware import hindi_first

MAX_JSON = 64 * 1024


def _next(request, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _subject(request):
    """Who is giving the factor: the logged-in person (a step-up), or the half-logged-in one."""
    if request.person is not None:
        return request.person, False
    return twofactor.pending_person(request.session), True


def _passed(request, person, at_login: bool) -> str:
    """The factor was given: finish the log-in (or note the step-up); returns where to go."""
    if at_login:
        nxt = _next(request, twofactor.end_pending(request.session))
        login(request, person)
    else:
        nxt = _next(request, request.POST.get("next") or request.GET.get("next"))
    twofactor.mark_passed(request.session)
    return nxt or "/"


def _with_lang(response, person):
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.lang, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax")
    return response


def _locked(request, at_login: bool):
    """Too many wrong answers: the half-done log-in ends (or the session, for a step-up)."""
    if at_login:
        twofactor.end_pending(request.session)
    else:
        logout(request)
    messages.error(request, _("Too many wrong tries. Log in again with a new SMS code."))
    return redirect("login")


@hindi_first
@require_http_methods(["GET", "POST"])
def confirm(request):
    person, at_login = _subject(request)
    if person is None:
        return redirect("login")
    context = {"at_login": at_login, "has_passkey": person.passkeys.exists(),
               "next": _next(request, request.GET.get("next") or request.POST.get("next")) or ""}
    if request.method == "POST":
        try:
            twofactor.verify(person, request.POST.get("code", "")[:40], ip=_ip(request))
        except SecondFactorError as exc:
            if exc.locked:
                return _locked(request, at_login)
            return render(request, "web/second_factor/confirm.html", {**context, "error": str(exc)}, status=400)
        return _with_lang(redirect(_passed(request, person, at_login)), person)
    return render(request, "web/second_factor/confirm.html", context)


@require_POST
def passkey_options(request):
    person, _at_login = _subject(request)
    if person is None:
        return JsonResponse({"detail": _("Log in again.")}, status=401)
    try:
        options = twofactor.passkey_authentication_options(request.session, person)
    except SecondFactorError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return JsonResponse(json.loads(options))


@require_POST
def passkey_verify(request):
    person, at_login = _subject(request)
    if person is None:
        return JsonResponse({"detail": _("Log in again.")}, status=401)
    if len(request.body) > MAX_JSON:
        return JsonResponse({"detail": _("The passkey answer could not be read.")}, status=400)
    try:
        credential = twofactor.parse_credential(request.body)
        twofactor.verify_passkey(request.session, person, credential, _origin(request), ip=_ip(request))
    except SecondFactorError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return _with_lang(JsonResponse({"next": _passed(request, person, at_login)}), person)


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=4, border=2)


@person_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up the authenticator app; once set up, the same address shows it and the passkeys."""
    person = request.person
    s = twofactor.status(person, fresh=True)
    if s.enrolled:
        if not twofactor.is_fresh(request.session):
            return redirect(reverse("second-factor-confirm") + "?next=" + request.path)
        return render(request, "web/second_factor/manage.html", {
            "codes_left": twofactor.recovery_codes_left(person),
            "passkeys": Passkey.objects.filter(person=person).order_by("created_at")})
    error = ""
    if request.method == "POST":
        try:
            codes = twofactor.confirm_totp(person, request.POST.get("code", "")[:40])
        except SecondFactorError as exc:
            error = str(exc)
        else:
            twofactor.mark_passed(request.session)
            return render(request, "web/second_factor/codes.html", {
                "codes": codes, "next": _next(request, request.POST.get("next")) or "/"})
    secret = twofactor.unconfirmed_secret(person) or twofactor.start_totp(person)
    uri = twofactor.provisioning_uri(person, secret)
    return render(request, "web/second_factor/enrol.html", {
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), "uri": uri, "qr": _qr_svg(uri),
        "required": s.required, "error": error, "next": _next(request, request.GET.get("next")) or ""},
        status=400 if error else 200)


def _fresh_or_confirm(request):
    """The page's own actions on the factor need it freshly given, as the page itself does."""
    if not twofactor.is_fresh(request.session):
        return redirect(reverse("second-factor-confirm") + "?next=" + reverse("second-factor-enrol"))
    return None


@require_POST
@person_required
def new_recovery_codes(request):
    if refused := _fresh_or_confirm(request):
        return refused
    try:
        codes = twofactor.replace_recovery_codes(request.person)
    except SecondFactorError as exc:
        messages.error(request, str(exc))
        return redirect("second-factor-enrol")
    return render(request, "web/second_factor/codes.html", {"codes": codes, "next": reverse("second-factor-enrol")})


@require_POST
@person_required
def remove_passkey(request, passkey_id: int):
    if refused := _fresh_or_confirm(request):
        return refused
    if not twofactor.remove_passkey(request.person, passkey_id):
        raise Http404
    messages.success(request, _("The passkey was removed."))
    return redirect("second-factor-enrol")


def _may_add_passkey(request):
    if request.person is None:
        return JsonResponse({"detail": _("Log in again.")}, status=401)
    if not twofactor.is_fresh(request.session):
        return JsonResponse({"detail": _("Give your second factor again first.")}, status=403)
    return None


@require_POST
def passkey_register_options(request):
    refused = _may_add_passkey(request)
    if refused:
        return refused
    try:
        options = twofactor.passkey_registration_options(request.session, request.person)
    except SecondFactorError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return JsonResponse(json.loads(options))


@require_POST
def passkey_register(request):
    refused = _may_add_passkey(request)
    if refused:
        return refused
    if len(request.body) > MAX_JSON:
        return JsonResponse({"detail": _("The passkey could not be added.")}, status=400)
    try:
        credential = twofactor.parse_credential(request.body)
        twofactor.register_passkey(request.session, request.person, credential, _origin(request),
                                   label=clean(request.headers.get("User-Agent", ""))[:100])
    except SecondFactorError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    messages.success(request, _("The passkey was added."))
    return JsonResponse({"next": reverse("second-factor-enrol")})
