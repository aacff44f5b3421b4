import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from sampark.core.jobs import run_ticks


class Command(BaseCommand):
    help = "Run timed work continuously (every --interval seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--iterations", type=int, default=0, help="stop after N rounds (0: never)")

    def handle(self, *args, interval=1.0, iterations=0, **options):
        n = 0
        while True:
            run_ticks(timezone.now())
            n += 1
            if iterations and n >= iterations:
                return
            time.sleep(interval)
