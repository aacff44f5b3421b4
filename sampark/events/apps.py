from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "sampark.events"
    label = "events"
    verbose_name = "Events"

    def ready(self):
        from sampark.core.defaults import recreate_after_migrate

        recreate_after_migrate(self, "sampark.events.migrations.0002_default_kinds_and_roles", "add_defaults")
        from sampark.core.panels import register_panel
        from sampark.events.checkins import dashboard_panel

        register_panel("events", dashboard_panel)
        from sampark.events.checkins import register_mydata

        register_mydata()
