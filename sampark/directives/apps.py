from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "sampark.directives"
    label = "directives"

    def ready(self):
        from sampark.core.jobs import register_tick
        from sampark.directives import activity, attention, erasure, jobs, mydata
        from sampark.directives.counters import on_subtree_moved
        from sampark.org.signals import subtree_moved

        subtree_moved.connect(on_subtree_moved, dispatch_uid="directives.subtree_moved")
        register_tick(self.label, jobs.tick)
        mydata.register()
        activity.register()
        erasure.register()
        attention.register()
