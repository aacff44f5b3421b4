from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "sampark.network"
    label = "network"
    verbose_name = "Network"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from sampark.core import policies
        from sampark.core.defaults import recreate_after_migrate
        from sampark.core.jobs import register_tick
        from sampark.core.panels import register_panel
        from sampark.network import activity, attention, jobs
        from sampark.network import erasure as network_erasure
        from sampark.network import mydata as network_mydata
        from sampark.network.panel import dashboard_panel
        from sampark.network.rollups import bump_booths_version, on_subtree_moved, rebuild, unit_saved
        from sampark.org.models import Level, Unit
        from sampark.org.signals import subtree_moved
        from sampark.reports.policies import FOLD_LEVEL

        recreate_after_migrate(self, "sampark.network.migrations.0002_default_platforms", "add_defaults")
        register_tick(self.label, jobs.tick)
        register_panel("network", dashboard_panel)
        attention.register()
        activity.register()
        network_mydata.register()
        network_erasure.register()
        subtree_moved.connect(on_subtree_moved, dispatch_uid="network.subtree_moved")
        post_save.connect(unit_saved, sender=Unit, dispatch_uid="network.unit_saved")
        post_delete.connect(bump_booths_version, sender=Unit, dispatch_uid="network.unit_deleted")
        post_save.connect(bump_booths_version, sender=Level, dispatch_uid="network.level_saved")
        post_delete.connect(bump_booths_version, sender=Level, dispatch_uid="network.level_deleted")
        policies.when_changed(FOLD_LEVEL.key, rebuild)
