from django.apps import AppConfig


class DifficultiesConfig(AppConfig):
    name = "sampark.difficulties"
    label = "difficulties"

    def ready(self):
        from sampark.core.defaults import recreate_after_migrate
        from sampark.core.jobs import register_tick
        from sampark.difficulties import activity, attention, erasure, jobs, mydata

        recreate_after_migrate(self, "sampark.difficulties.migrations.0002_default_categories_and_policies", "add_defaults")
        register_tick(self.label, jobs.tick)
        mydata.register()
        activity.register()
        erasure.register()
        attention.register()
