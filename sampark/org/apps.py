from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "sampark.org"
    label = "org"

    def ready(self):
        from sampark.core.defaults import recreate_after_migrate

        recreate_after_migrate(self, "sampark.org.migrations.0002_default_levels", "add_levels")
