import time

from django.core.management.base import BaseCommand, CommandError

from sampark.network import rollups


class Command(BaseCommand):
    help = ("Network roll-ups maintenance: --rebuild recomputes NetworkDaily, NetworkTotal and BoothCover "
            "from the handles (set-based SQL); --check folds the queue and compares the tables with a recount.")

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, rebuild=False, check=False, **options):
        if not rebuild and not check:
            raise CommandError("Give --rebuild, --check or both.")
        if rebuild:
            start = time.monotonic()
            rows = rollups.rebuild()
            self.stdout.write(f"rebuilt: {rows} daily rows in {time.monotonic() - start:.1f} s")
        if check:
            rollups.fold_all()
            problems = rollups.check()
            for line in problems[:50]:
                self.stdout.write(line)
            if problems:
                raise CommandError(f"{len(problems)} differences")
            self.stdout.write("the roll-ups match a recount")
