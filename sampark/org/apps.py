from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "sampark.org"
    label = "org"
