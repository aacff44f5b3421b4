"""Hindi first: the language comes from the switch (a cookie), else the person's own setting, else
Hindi. The browser's Accept-Language is ignored on purpose: most phones here say "en-US" even for
people who read Hindi best, and the organisation works in Hindi."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

LANGS = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    """Place after sampark.people.middleware.PersonMiddleware (it reads request.person)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in LANGS:
            person = getattr(request, "person", None)
            lang = person.lang if person is not None and person.lang in LANGS else settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers["Content-Language"] = lang
        patch_vary_headers(response, ("Cookie",))
        return response
