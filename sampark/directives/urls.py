from django.urls import path

from sampark.directives import views

app_name = "directives"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("inbox/updates", views.inbox_updates, name="updates"),
    path("new/", views.compose, name="compose"),
    path("<int:directive_id>/", views.detail, name="detail"),
    path("<int:directive_id>/ack/", views.ack, name="ack"),
    path("<int:directive_id>/publish/", views.publish, name="publish"),
    path("<int:directive_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:directive_id>/edit/", views.edit, name="edit"),
    path("<int:directive_id>/attach/", views.attach, name="attach"),
    path("<int:directive_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:directive_id>/rollup/", views.rollup, name="rollup"),
    path("<int:directive_id>/rollup.<str:fmt>", views.rollup_export, name="rollup-export"),
    path("<int:directive_id>/silent/", views.silent, name="silent"),
    path("whatsapp/webhook/", views.whatsapp_webhook, name="whatsapp-webhook"),
]
