from django.apps import AppConfig


class DifficultiesConfig(AppConfig):
    name = "sampark.difficulties"
    label = "difficulties"

    def ready(self):
        from sampark.core.defaults import recreate_after_migrate

        recreate_after_migrate(self, "sampark.difficulties.migrations.0002_default_categories_and_policies", "add_defaults")
