from django.urls import include, path, re_path

from sampark.api.errors import unknown_route
from sampark.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", unknown_route),
    path("directives/", include("sampark.directives.urls")),
    path("reports/", include("sampark.reports.urls")),
    path("difficulties/", include("sampark.difficulties.urls")),
    path("events/", include("sampark.events.urls")),
    path("network/", include("sampark.network.urls")),
    path("org/", include("sampark.org.urls")),
    path("people/", include("sampark.people.urls")),
    path("setup/", include("sampark.web.setup_urls")),
    path("", include("sampark.web.urls")),
]
