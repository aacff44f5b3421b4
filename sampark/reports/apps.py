from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sampark.reports"
    label = "reports"

    def ready(self):
        from sampark.core import policies
        from sampark.core.defaults import recreate_after_migrate
        from sampark.core.jobs import register_tick
        from sampark.org.signals import subtree_moved
        from sampark.reports import activity, erasure, jobs, mydata
        from sampark.reports.policies import FOLD_LEVEL
        from sampark.reports.rollups import on_subtree_moved, rebuild

        subtree_moved.connect(on_subtree_moved, dispatch_uid="reports.subtree_moved")
        recreate_after_migrate(self, "sampark.reports.migrations.0002_demo_report_types", "create_types")
        register_tick(self.label, jobs.tick)
        mydata.register()
        activity.register()
        erasure.register()
        policies.when_changed(FOLD_LEVEL.key, rebuild)
