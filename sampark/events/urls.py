from django.urls import path

from sampark.events import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:event_id>/", views.detail, name="detail"),
    path("<int:event_id>/publish/", views.act, {"action": "publish"}, name="publish"),
    path("<int:event_id>/cancel/", views.act, {"action": "cancel"}, name="cancel"),
]
