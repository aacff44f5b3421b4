from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sampark.people"
    label = "people"

    def ready(self):
        from sampark.core.jobs import register_tick
        from sampark.org.signals import subtree_moved, unit_created
        from sampark.people import attention, erasure, exports, imports, jobs, mydata, vacancies  # noqa: F401 - register the "people" kind of file
        from sampark.people.services import on_subtree_moved

        subtree_moved.connect(on_subtree_moved, dispatch_uid="people.subtree_moved")
        subtree_moved.connect(vacancies.on_subtree_moved, dispatch_uid="people.vacancies.subtree_moved")
        unit_created.connect(vacancies.on_unit_created, dispatch_uid="people.vacancies.unit_created")
        register_tick(self.label, jobs.tick)
        mydata.register()
        erasure.register()
        attention.register()
