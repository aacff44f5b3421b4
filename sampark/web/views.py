"""Pages: thin handlers (STYLE rule 5). Each starts from the visibility layer."""


from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampark.core import attention
from sampark.core.decorators import person_required
from sampark.core.text import ascii_digits, clean
from sampark.core.visibility import can_see_path, get_visible_or_404, visible_roots
from sampark.events import unit_page
from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.people import search, selectors, twofactor, vacancies
from sampark.people.auth import LoginError, request_code, verify_code
from sampark.people.middleware import login, logout
from sampark.people.models import LoginCode, Post
from sampark.people.services import update_person
from sampark.people.visibility import can_see_phone, setup_access
from sampark.web.middleware import hindi_first

LANGS = {code for code, _name in settings.LANGUAGES}
# A language picked before logging in, saved to the person at login (then the session is new).
CHOSEN_LANG = "sampark_lang_chosen"
LOGIN_PHONE = "login_phone"
LOGIN_NEXT = "login_next"
MAX_ID = 2**63 - 1


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def safe_next(request, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


def set_lang_cookie(response, lang: str) -> None:
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax",
                        secure=settings.LANGUAGE_COOKIE_SECURE)


@person_required
def home(request):
    from sampark.difficulties.selectors import action_items_owned

    posts = list(selectors.my_posts(request.person))
    items = [i for i in action_items_owned(request.person) if not i.done]
    needs = attention.attention_for(request.person)
    return render(request, "web/home.html", {"posts": posts, "items": items, "today": timezone.localdate(),
                                             "attention": needs, "first_url": attention.first_urls(needs),
                                             "vacancies": vacancies.attention([p.unit for p in posts if p.leads]),
                                             "setup": setup_access(request.person, posts)})


@hindi_first
@require_http_methods(["GET", "POST"])
def login_phone(request):
    if request.person is not None:
        return redirect("home")
    nxt = safe_next(request, request.GET.get("next"))
    if nxt:
        request.session[LOGIN_NEXT] = nxt
    if request.method == "POST":
        raw = request.POST.get("phone", "")[:40]
        try:
            phone = request_code(raw, client_ip(request))
        except LoginError as exc:
            return render(request, "web/login.html", {"error": str(exc), "phone": raw}, status=400)
        request.session[LOGIN_PHONE] = phone
        return redirect("login-code")
    return render(request, "web/login.html", {})


def _code_expired(phone: str) -> bool:
    """True when the newest code for the phone is unused and past its time, so the page can say
    "expired" rather than "wrong". Codes are stored for unknown phones too: this tells nothing."""
    latest = LoginCode.objects.filter(phone=phone).order_by("-created_at", "-pk").first()
    return latest is not None and latest.used_at is None and latest.expires_at <= timezone.now()


@hindi_first
@require_http_methods(["GET", "POST"])
def login_code(request):
    phone = request.session.get(LOGIN_PHONE)
    if not phone:
        return redirect("login")
    if request.method == "POST":
        code = "".join(ch for ch in ascii_digits(clean(request.POST.get("code", "")[:40])) if ch.isdigit())
        if len(code) != 6:
            error = _("The code has 6 digits. Type it as it is in the SMS.")
            return render(request, "web/login_code.html", {"error": error, "phone": phone}, status=400)
        try:
            person = verify_code(phone, code, client_ip(request))
        except LoginError as exc:
            error = _("This code has expired. Ask for a new one.") if _code_expired(phone) else str(exc)
            return render(request, "web/login_code.html", {"error": error, "phone": phone}, status=400)
        chosen = request.session.get(CHOSEN_LANG)
        if chosen in LANGS and chosen != person.lang:
            person = update_person(person, person, lang=chosen)
        nxt = safe_next(request, request.session.get(LOGIN_NEXT))
        if twofactor.status(person, fresh=True).enrolled:  # the factor first; its page logs in
            twofactor.begin_pending(request.session, person, nxt)
            request.session.pop(LOGIN_NEXT, None)
            return redirect("second-factor-confirm")
        login(request, person)
        request.session.pop(LOGIN_NEXT, None)
        response = redirect(nxt or "home")
        set_lang_cookie(response, person.lang)
        return response
    return render(request, "web/login_code.html", {"phone": phone})


@hindi_first
@require_POST
def login_resend(request):
    phone = request.session.get(LOGIN_PHONE)
    if not phone:
        return redirect("login")
    try:
        request_code(phone, client_ip(request))
    except LoginError as exc:
        return render(request, "web/login_code.html", {"error": str(exc), "phone": phone}, status=400)
    messages.info(request, _("If this number is registered, a new code has been sent. Use the newest code."))
    return redirect("login-code")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@require_POST
def set_language(request):
    """Switch language: a cookie on this phone, and the person's own setting when logged in."""
    response = redirect(safe_next(request, request.POST.get("next")) or "/")
    lang = request.POST.get("language", "")
    if lang not in LANGS:
        return response
    if request.person is not None:
        if request.person.lang != lang:
            update_person(request.person, request.person, lang=lang)
    else:
        request.session[CHOSEN_LANG] = lang
    set_lang_cookie(response, lang)
    return response


@person_required
def unit_detail(request, unit_id: int):
    if unit_id > MAX_ID:  # beyond a 64-bit key the database would raise, not answer "no such unit"
        raise Http404
    unit = get_visible_or_404(Unit.objects.select_related("level"), request.person, pk=unit_id)
    children = list(org_selectors.children(unit))
    return render(request, "web/unit.html", {
        "unit": unit,
        "crumbs": org_selectors.breadcrumbs(unit, visible_roots(request.person)),
        "children": children,
        "people": list(selectors.people_at(unit)),
        "show_phones": can_see_phone(request.person, unit.path),
        **vacancies.unit_block(unit, children),
        **unit_page.unit_events(request.person, unit, timezone.now()),
    })


def _visible_posts(person):
    """Active posts inside the viewer's subtrees (none for someone without posts), for showing
    where a found person works."""
    return (Post.objects.visible_to(person).filter(active=True).select_related("unit__level", "unit__parent__parent__parent")
            .order_by("unit_path"))


@person_required
def search_view(request):
    q = clean(request.GET.get("q", ""))[:100]
    people, units = [], []
    if q:
        people = search.search_people(request.person, q)
        units = search.search_units(request.person, q)
        prefetch_related_objects(people, Prefetch("posts", queryset=_visible_posts(request.person),
                                                  to_attr="visible_posts"))
        # The unit path tells apart people of one name ("बूथ 1 · मंडल 2 · गया टाउन"), read with the posts.
        for post in (post for p in people for post in p.visible_posts):
            post.label = selectors.path_label(request.person, post.unit)
        prefetch_related_objects(units, "parent")
        for u in units:
            # Name the parent only when the viewer may see it (a top unit's parent stays hidden).
            u.shown_parent = u.parent if u.parent and can_see_path(request.person, u.parent.path) else None
    return render(request, "web/search.html", {"q": q, "people": people, "units": units})


@hindi_first
def about(request):
    return render(request, "web/about.html", {})
