from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sampark.reports"
    label = "reports"
