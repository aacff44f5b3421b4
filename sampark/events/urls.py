from django.urls import path

from sampark.events import export_views, meeting_views, views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:event_id>/", views.detail, name="detail"),
    path("<int:event_id>/publish/", views.act, {"action": "publish"}, name="publish"),
    path("<int:event_id>/cancel/", views.act, {"action": "cancel"}, name="cancel"),
    path("meeting/new/", meeting_views.new, name="meeting-new"),
    path("<int:event_id>/attendance.<str:fmt>", export_views.attendance, name="attendance-export"),
]
