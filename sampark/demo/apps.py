from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sampark.demo"
    label = "demo"
    verbose_name = "Demo organisation"
