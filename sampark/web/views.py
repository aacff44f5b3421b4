"""Pages: thin handlers (STYLE rule 5). Each starts from the visibility layer."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.people import search, selectors
from sampark.people.auth import LoginError, request_code, verify_code
from sampark.people.middleware import login, logout
from sampark.people.visibility import can_see_phone, get_visible_or_404, visible_roots


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def person_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.person is None:
            return redirect("login")
        return view(request, *args, **kwargs)

    return wrapper


@person_required
def home(request):
    posts = list(selectors.my_posts(request.person))
    return render(request, "web/home.html", {"posts": posts})


@require_http_methods(["GET", "POST"])
def login_phone(request):
    if request.method == "POST":
        phone = request.POST.get("phone", "")
        try:
            phone = request_code(phone, client_ip(request))
        except LoginError as exc:
            return render(request, "web/login.html", {"error": str(exc), "phone": phone}, status=400)
        request.session["login_phone"] = phone
        return redirect("login-code")
    return render(request, "web/login.html", {})


@require_http_methods(["GET", "POST"])
def login_code(request):
    phone = request.session.get("login_phone")
    if not phone:
        return redirect("login")
    if request.method == "POST":
        try:
            person = verify_code(phone, request.POST.get("code", ""), client_ip(request))
        except LoginError as exc:
            return render(request, "web/login_code.html", {"error": str(exc), "phone": phone}, status=400)
        login(request, person)
        response = redirect("home")
        response.set_cookie("sampark_lang", person.lang, max_age=60 * 60 * 24 * 365, samesite="Lax")
        return response
    return render(request, "web/login_code.html", {"phone": phone})


@require_http_methods(["POST"])
def logout_view(request):
    logout(request)
    return redirect("login")


@person_required
def unit_detail(request, unit_id: int):
    unit = get_visible_or_404(Unit.objects.select_related("level"), request.person, pk=unit_id)
    people = list(selectors.people_at(unit))
    show_phones = can_see_phone(request.person, unit.path)
    return render(request, "web/unit.html", {
        "unit": unit,
        "crumbs": org_selectors.breadcrumbs(unit, visible_roots(request.person)),
        "children": org_selectors.children(unit),
        "people": people,
        "show_phones": show_phones,
    })


@person_required
def search_view(request):
    q = request.GET.get("q", "").strip()[:100]
    people = search.search_people(request.person, q) if q else []
    units = search.search_units(request.person, q) if q else []
    return render(request, "web/search.html", {"q": q, "people": people, "units": units})


def about(request):
    return render(request, "web/about.html", {})


def not_found(request, exception=None):
    raise Http404 from exception


__all__ = ["messages", "_"]
