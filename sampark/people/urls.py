from django.urls import path

from sampark.people import views

app_name = "people"

urlpatterns = [
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_id>/approve/", views.approve, name="transfer-approve"),
    path("transfers/<int:transfer_id>/reject/", views.reject, name="transfer-reject"),
]
