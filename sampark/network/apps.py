from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "sampark.network"
    label = "network"
    verbose_name = "Network"

    def ready(self):
        from sampark.core.defaults import recreate_after_migrate
        from sampark.core.jobs import register_tick
        from sampark.network import erasure as network_erasure
        from sampark.network import jobs
        from sampark.network import mydata as network_mydata

        recreate_after_migrate(self, "sampark.network.migrations.0002_default_platforms", "add_defaults")
        register_tick(self.label, jobs.tick)
        network_mydata.register()
        network_erasure.register()
