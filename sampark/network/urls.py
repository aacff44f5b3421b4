from django.urls import path

from sampark.network import import_views, views

app_name = "network"

urlpatterns = [
    path("", views.index, name="index"),
    path("handles/<int:handle_id>/", views.handle_detail, name="handle"),
    path("handles/<int:handle_id>/<slug:action>/", views.handle_act, name="handle-act"),
    path("unit/<int:unit_id>/", views.unit_page, name="unit"),
    path("import/", import_views.import_counts_view, name="import"),
]
