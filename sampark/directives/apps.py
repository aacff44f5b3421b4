from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "sampark.directives"
    label = "directives"
