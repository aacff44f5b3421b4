from django.urls import path

from sampark.events import rsvp_views, views

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
