from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sampark.people"
    label = "people"
