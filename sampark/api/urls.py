from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError

from sampark.api.auth import BearerToken, session_person

api = NinjaAPI(
    title="Sampark API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerToken(), session_person],
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
    from sampark.org.api import router as org_router
    from sampark.people.api import router as people_router

    api.add_router("", people_router)
    api.add_router("", org_router)


_mount()
