from django.apps import AppConfig


class DifficultiesConfig(AppConfig):
    name = "sampark.difficulties"
    label = "difficulties"
