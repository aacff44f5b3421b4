from django.urls import path

from sampark.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.report_form, name="new"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("icon.svg", views.icon, name="icon"),
    path("outbox.js", views.outbox_js, name="outbox-js"),
    path("photos/<uuid:photo_id>/", views.photo, name="photo"),
    path("photos/<uuid:photo_id>/thumb/", views.photo_thumb, name="photo-thumb"),
    path("r/<uuid:report_id>/", views.report_detail, name="detail"),
    path("units/<int:unit_id>/", views.unit_dashboard, name="dashboard"),
    path("units/<int:unit_id>/map/", views.unit_map, name="map"),
    path("units/<int:unit_id>/export.<str:fmt>", views.unit_export, name="export"),
    path("units/<int:unit_id>/reports.<str:fmt>", views.reports_export, name="reports-export"),
]
