from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sampark.core.jobs import run_ticks


class Command(BaseCommand):
    help = "Run all due timed work once (reminders, escalations). --now runs it as if at that time."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO 8601 time, e.g. 2026-11-27T10:00:00+05:30")

    def handle(self, *args, now=None, **options):
        when = timezone.now()
        if now:
            when = parse_datetime(now)
            if when is None:
                raise CommandError("--now must be an ISO 8601 time, e.g. 2026-11-27T10:00:00+05:30")
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        for app, result in run_ticks(when).items():
            self.stdout.write(f"{app}: {result}")
