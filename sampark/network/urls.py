from django.urls import path

from sampark.network import export_views, import_views, review_views, unit_views, views

app_name = "network"

urlpatterns = [
    path("", views.index, name="index"),
    path("handles/<int:handle_id>/", views.handle_detail, name="handle"),
    path("handles/<int:handle_id>/<slug:action>/", views.handle_act, name="handle-act"),
    path("unit/<int:unit_id>/", unit_views.unit_page, name="unit"),
    path("unit/<int:unit_id>/export/<slug:kind>.<str:fmt>", export_views.unit_export, name="unit-export"),
    path("review/", review_views.queue, name="review"),
    path("review/counts/<uuid:snapshot_id>/<slug:action>/", review_views.decide, name="review-decide"),
    path("review/handles/<int:handle_id>/verify/", review_views.verify, name="review-verify"),
    path("import/", import_views.import_counts_view, name="import"),
]
