from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sampark.reports"
    label = "reports"

    def ready(self):
        from sampark.core.defaults import recreate_after_migrate

        recreate_after_migrate(self, "sampark.reports.migrations.0002_demo_report_types", "create_types")
