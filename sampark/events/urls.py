from django.urls import path

from sampark.events import (
    checkin_views,
    export_views,
    meeting_views,
    programme_views,
    report_views,
    rsvp_views,
    views,
)

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:event_id>/", views.detail, name="detail"),
    path("<int:event_id>/publish/", views.act, {"action": "publish"}, name="publish"),
    path("<int:event_id>/cancel/", views.act, {"action": "cancel"}, name="cancel"),
    path("<int:event_id>/rsvp/", rsvp_views.answer, name="rsvp"),
    path("<int:event_id>/rsvps/", rsvp_views.rollup, name="rsvps"),
]

urlpatterns += [
    path("<int:event_id>/edit/", programme_views.edit, name="edit"),
    path("<int:event_id>/programme/", programme_views.programme_page, name="programme"),
    path("<int:event_id>/programme/<int:item_id>/<slug:action>/", programme_views.programme_item,
         name="programme-item"),
    path("<int:event_id>/review/", programme_views.review_page, name="review"),
    path("<int:event_id>/photos/add/", programme_views.photo_add, name="photo-add"),
    path("<int:event_id>/photos/<uuid:photo_id>/", programme_views.photo, name="photo"),
    path("<int:event_id>/photos/<uuid:photo_id>/thumb/", programme_views.photo_thumb, name="photo-thumb"),
    path("<int:event_id>/photos/<uuid:photo_id>/remove/", programme_views.photo_remove, name="photo-remove"),
    path("meeting/new/", meeting_views.new, name="meeting-new"),
    path("<int:event_id>/attendance.<str:fmt>", export_views.attendance, name="attendance-export"),
    path("<int:event_id>/report/", report_views.page, name="report"),
    path("<int:event_id>/report.pdf", report_views.pdf, name="report_pdf"),
    path("<int:event_id>/report.txt", report_views.txt, name="report_txt"),
    path("<int:event_id>/checkin/", checkin_views.checkin, name="checkin"),
    path("<int:event_id>/codes/", checkin_views.codes_list, name="codes"),
]
