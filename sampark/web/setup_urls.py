from django.urls import path

from sampark.network import setup_views as network_setup
from sampark.web import setup

app_name = "setup"

urlpatterns = [
    path("", setup.index, name="index"),
    path("levels/", setup.levels, name="levels"),
    path("reports/", setup.report_types, name="report-types"),
    path("reports/<int:type_id>/", setup.report_type, name="report-type"),
    path("difficulties/", setup.difficulties, name="difficulties"),
    path("policies/", setup.policy_list, name="policies"),
    path("teams/", setup.team_list, name="teams"),
    path("events/", setup.events, name="events"),
    path("network/", network_setup.platforms, name="network"),
]
