from django.urls import path

from sampark.network import export_views, unit_views, views

app_name = "network"

urlpatterns = [
    path("", views.index, name="index"),
    path("handles/<int:handle_id>/", views.handle_detail, name="handle"),
    path("handles/<int:handle_id>/<slug:action>/", views.handle_act, name="handle-act"),
    path("unit/<int:unit_id>/", unit_views.unit_page, name="unit"),
    path("unit/<int:unit_id>/export/<slug:kind>.<str:fmt>", export_views.unit_export, name="unit-export"),
]
