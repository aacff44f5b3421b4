from ninja import NinjaAPI

from sampark.api.auth import BearerToken, SessionPerson
from sampark.api.errors import StrictJSONParser, install

api = NinjaAPI(
    title="Sampark API",
    version="1",
    description=(
        "Every error answers `{\"detail\": \"message\"}`; when particular fields were wrong also "
        "`\"errors\": {\"field\": \"message\"}`. 401: no or unknown token or session. 400: the body is "
        "not JSON. 413: the body is too large. 422: a field of the wrong type, or text that cannot be "
        "stored (a lone surrogate). 404: missing, or not visible to you (the same answer for both)."),
    urls_namespace="api-v1",
    auth=[BearerToken(), SessionPerson(csrf=True)],
    parser=StrictJSONParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install(api)


def _mount() -> None:
    from sampark.difficulties.api import router as difficulties_router
    from sampark.directives.api import router as directives_router
    from sampark.events.api import router as events_router
    from sampark.events.checkin_api import router as event_checkins_router
    from sampark.events.programme_api import router as event_programme_router
    from sampark.events.report_api import router as event_report_router
    from sampark.events.rsvp_api import router as events_rsvp_router
    from sampark.network.api import router as network_router
    from sampark.network.import_api import router as network_import_router
    from sampark.network.review_api import router as network_review_router
    from sampark.org.api import router as org_router
    from sampark.people.api import router as people_router
    from sampark.people.consent_api import router as consent_router
    from sampark.people.erasure_api import router as erasure_router
    from sampark.people.phones_api import router as phones_router
    from sampark.people.transfers_api import router as transfers_router
    from sampark.people.vacancy_api import router as vacancies_router
    from sampark.reports.api import router as reports_router

    api.add_router("", people_router)
    api.add_router("", org_router)
    api.add_router("", directives_router)
    api.add_router("", reports_router)
    api.add_router("", difficulties_router)
    api.add_router("", events_router)
    api.add_router("", events_rsvp_router)
    api.add_router("", event_programme_router)
    api.add_router("", event_report_router)
    api.add_router("", event_checkins_router)
    api.add_router("", vacancies_router)
    api.add_router("", transfers_router)
    api.add_router("", phones_router)
    api.add_router("", erasure_router)
    api.add_router("", consent_router)
    api.add_router("", network_router)
    api.add_router("", network_review_router)
    api.add_router("", network_import_router)


_mount()
