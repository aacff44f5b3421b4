from django.urls import include, path

from sampark.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("sampark.web.urls")),
]
