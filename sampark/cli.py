"""`sampark` command line: a thin wrapper over Django management commands (sampark demo, token, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampark.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sampark", *sys.argv[1:]])
