from django.urls import path

from sampark.difficulties import views

app_name = "difficulties"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("area/", views.area, name="area"),
    path("area/export.<str:fmt>", views.area_export, name="area-export"),
    path("<uuid:difficulty_id>/", views.detail, name="detail"),
    path("<uuid:difficulty_id>/photo/", views.photo, name="photo"),
    path("<uuid:difficulty_id>/photo/thumb/", views.photo_thumb, name="photo-thumb"),
    path("<uuid:difficulty_id>/<slug:action>/", views.act, name="act"),
    path("items/<int:item_id>/done/", views.item_done, name="item-done"),
    path("review/<int:unit_id>/", views.review_page, name="review"),
    path("review/<int:unit_id>/pdf/", views.review_pdf, name="review-pdf"),
    path("review/<int:unit_id>/<slug:what>/", views.review_add, name="review-add"),
]
