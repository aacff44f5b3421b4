from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "sampark.core"
    label = "core"

    def ready(self):
        from sampark.core.datafiles import check_data_files

        checks.register(check_data_files)
