from django.urls import path

from sampark.people import erasure_views, members, phone_pages, transfer_views, vacancy_views, views

app_name = "people"

urlpatterns = [
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_id>/approve/", views.approve, name="transfer-approve"),
    path("transfers/<int:transfer_id>/reject/", views.reject, name="transfer-reject"),
    path("new/", members.member_new, name="member-new"),
    path("<int:person_id>/", members.person_detail, name="person"),
    path("<int:person_id>/transfer/", transfer_views.person_transfer, name="person-transfer"),
    path("<int:person_id>/edit/", members.person_edit, name="person-edit"),
    path("<int:person_id>/phone/", phone_pages.reveal, name="person-phone"),
    path("<int:person_id>/posts/", members.person_post, name="person-post"),
    path("posts/<int:post_id>/end/", members.post_end, name="post-end"),
    path("posts/<int:post_id>/move/", members.post_move, name="post-move"),
    path("post-plan/", vacancy_views.post_plan, name="post-plan"),
    path("post-plan/<int:plan_id>/remove/", vacancy_views.post_plan_remove, name="post-plan-remove"),
    path("vacancies/<int:unit_id>/<int:plan_id>/", vacancy_views.empty_units, name="empty-units"),
    path("<int:person_id>/deactivate/", erasure_views.person_deactivate, name="person-deactivate"),
    path("<int:person_id>/reactivate/", erasure_views.person_reactivate, name="person-reactivate"),
    path("erasures/", erasure_views.erasures, name="erasures"),
    path("erasures/<int:request_id>/erase/", erasure_views.erase_now, name="erasure-erase"),
]
