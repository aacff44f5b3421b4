from django.urls import path

from sampark.people import members, transfer_views, views

app_name = "people"

urlpatterns = [
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_id>/approve/", views.approve, name="transfer-approve"),
    path("transfers/<int:transfer_id>/reject/", views.reject, name="transfer-reject"),
    path("new/", members.member_new, name="member-new"),
    path("<int:person_id>/", members.person_detail, name="person"),
    path("<int:person_id>/transfer/", transfer_views.person_transfer, name="person-transfer"),
    path("<int:person_id>/edit/", members.person_edit, name="person-edit"),
    path("<int:person_id>/posts/", members.person_post, name="person-post"),
    path("posts/<int:post_id>/end/", members.post_end, name="post-end"),
    path("posts/<int:post_id>/move/", members.post_move, name="post-move"),
]
