"""Hindi first: the language comes from the switch (a cookie), else the person's own setting, else
Hindi. The browser's Accept-Language is ignored on purpose: most phones here say "en-US" even for
people who read Hindi best, and the organisation works in Hindi."""

from functools import wraps

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

LANGS = {code for code, _name in settings.LANGUAGES}


def choose_language(request) -> str:
    lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if lang in LANGS:
        return lang
    person = getattr(request, "person", None)
    if person is not None and person.lang in LANGS:
        return person.lang
    return settings.LANGUAGE_CODE


def activate_for(request) -> str:
    lang = choose_language(request)
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    return lang


class LanguageMiddleware:
    """Place after sampark.people.middleware.PersonMiddleware (it reads request.person)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = activate_for(request)
        response = self.get_response(request)
        response.headers["Content-Language"] = lang
        patch_vary_headers(response, ("Cookie",))
        return response


def hindi_first(view):
    """The same choice for one view, for pages seen before logging in (the login pages), so that
    they are Hindi by default even where the middleware is not installed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        lang = activate_for(request)
        response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = lang
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper


class AttentionMiddleware:
    """A person's write (an acknowledgement, an answer, an item marked done; a page or the API) drops
    the counts kept for their badges (core.attention), so the page they land on counts afresh."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        person = getattr(request, "person", None)
        if person is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            from sampark.core.attention import forget

            forget(person)
        return response
