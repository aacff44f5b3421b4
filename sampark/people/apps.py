from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sampark.people"
    label = "people"

    def ready(self):
        from sampark.org.signals import subtree_moved
        from sampark.people import imports  # noqa: F401 - registers the "people" kind of file import
        from sampark.people.services import on_subtree_moved

        subtree_moved.connect(on_subtree_moved, dispatch_uid="people.subtree_moved")
