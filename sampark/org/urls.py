from django.urls import path, re_path

from sampark.org import views

app_name = "org"

urlpatterns = [
    path("import/", views.import_view, name="import"),
    re_path(r"^units/(?P<unit_id>[0-9]+)/export/(?P<kind>units|people)\.(?P<fmt>csv|xlsx)$", views.export_view,
            name="export"),
]
