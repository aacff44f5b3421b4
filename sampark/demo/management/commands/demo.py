from django.core.management.base import BaseCommand, CommandError

from sampark.demo.data import SCALES
from sampark.demo.loader import DemoError, load


class Command(BaseCommand):
    help = ("Load the demo organisation: Centre → Bihar's real districts and constituencies → generated "
            "mandals, shakti kendras, booths and members (india: every state).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any unit exists")
        parser.add_argument("--reset", action="store_true",
                            help="delete the organisation (units, people, posts and what refers to them) first")

    def handle(self, *args, scale="small", if_empty=False, reset=False, **options):
        log = (lambda msg: self.stdout.write(msg)) if options["verbosity"] > 1 else None
        try:
            result = load(scale, if_empty=if_empty, reset=reset, log=log)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped:
            if options["verbosity"]:
                self.stdout.write("Demo organisation not loaded: the database already has units.")
            return
        self.stdout.write(f"Loaded the {scale} demo organisation: {result.units:,} units, {result.people:,} people, "
                          f"{result.posts:,} posts in {result.seconds:.1f} s.")
