from django.urls import include, path

from sampark.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("directives/", include("sampark.directives.urls")),
    path("reports/", include("sampark.reports.urls")),
    path("difficulties/", include("sampark.difficulties.urls")),
    path("org/", include("sampark.org.urls")),
    path("people/", include("sampark.people.urls")),
    path("", include("sampark.web.urls")),
]
