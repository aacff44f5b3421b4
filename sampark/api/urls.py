from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError

from sampark.api.auth import BearerToken, SessionPerson

api = NinjaAPI(
    title="Sampark API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerToken(), SessionPerson(csrf=True)],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


def _mount() -> None:
    from sampark.difficulties.api import router as difficulties_router
    from sampark.directives.api import router as directives_router
    from sampark.org.api import router as org_router
    from sampark.people.api import router as people_router
    from sampark.reports.api import router as reports_router

    api.add_router("", people_router)
    api.add_router("", org_router)
    api.add_router("", directives_router)
    api.add_router("", reports_router)
    api.add_router("", difficulties_router)


_mount()
