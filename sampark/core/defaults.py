"""Default rows that data migrations create (levels, categories, report types) are created again
after every flush: Django's test framework empties the tables between transactional tests and
then sends post_migrate, as it does after `migrate`. The migration functions are idempotent."""

import importlib

from django.db.models.signals import post_migrate


def recreate_after_migrate(app_config, migration_module: str, func_name: str) -> None:
    def handler(sender, apps=None, **kwargs):
        from django.apps import apps as global_apps

        getattr(importlib.import_module(migration_module), func_name)(global_apps, None)

    post_migrate.connect(handler, sender=app_config, weak=False, dispatch_uid=migration_module)
