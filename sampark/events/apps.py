from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "sampark.events"
    label = "events"
    verbose_name = "Events"

    def ready(self):
        from sampark.core.defaults import recreate_after_migrate
        from sampark.events import activity, erasure, mydata

        recreate_after_migrate(self, "sampark.events.migrations.0002_default_kinds_and_roles", "add_defaults")
        mydata.register()
        activity.register()
        erasure.register()
