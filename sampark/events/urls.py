from django.urls import path

from sampark.events import report_views, views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:event_id>/", views.detail, name="detail"),
    path("<int:event_id>/publish/", views.act, {"action": "publish"}, name="publish"),
    path("<int:event_id>/cancel/", views.act, {"action": "cancel"}, name="cancel"),
    path("<int:event_id>/report/", report_views.page, name="report"),
    path("<int:event_id>/report.pdf", report_views.pdf, name="report_pdf"),
    path("<int:event_id>/report.txt", report_views.txt, name="report_txt"),
]
