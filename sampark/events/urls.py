from django.urls import path

from sampark.events import checkin_views, views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:event_id>/", views.detail, name="detail"),
    path("<int:event_id>/publish/", views.act, {"action": "publish"}, name="publish"),
    path("<int:event_id>/cancel/", views.act, {"action": "cancel"}, name="cancel"),
    path("<int:event_id>/checkin/", checkin_views.checkin, name="checkin"),
    path("<int:event_id>/codes/", checkin_views.codes_list, name="codes"),
]
