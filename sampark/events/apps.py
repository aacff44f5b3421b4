from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "sampark.events"
    label = "events"
    verbose_name = "Events"

    def ready(self):
        from sampark.core.defaults import recreate_after_migrate
        from sampark.core.jobs import register_tick
        from sampark.core.panels import register_panel
        from sampark.events import activity, attention, checkins, erasure, jobs, mydata

        recreate_after_migrate(self, "sampark.events.migrations.0002_default_kinds_and_roles", "add_defaults")
        register_tick(self.label, jobs.tick)
        attention.register()
        mydata.register()
        activity.register()
        erasure.register()
        register_panel("events", checkins.dashboard_panel)
