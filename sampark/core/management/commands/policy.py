from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from sampark.core import policies


class Command(BaseCommand):
    help = ("Organisation policies (reminder and escalation times, silence threshold, roll-up level): "
            "`policy --list` shows them with their Hindi and English labels; "
            "`policy --set KEY=VALUE [--set KEY=VALUE ...]` changes them (checked and audited).")

    def add_arguments(self, parser):
        parser.add_argument("--list", dest="show", action="store_true", help="list the policies (the default)")
        parser.add_argument("--set", dest="changes", action="append", default=[], metavar="KEY=VALUE",
                            help="change a policy, e.g. directives.escalation_minutes=90")

    def handle(self, *args, show, changes, **options):
        for change in changes:
            key, sep, value = change.partition("=")
            if not sep or not key.strip():
                raise CommandError(f"--set needs KEY=VALUE, got {change!r}")
            try:
                policies.set_policy(None, key.strip(), value)
            except policies.PolicyError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{key.strip()} = {value.strip()}")
        if show or not changes:
            for spec, value in policies.listing():
                note = "" if value == spec.default else f"  (default {spec.default})"
                self.stdout.write(f"{spec.key} = {value}{note}")
                for lang in ("hi", "en"):
                    with translation.override(lang):
                        self.stdout.write(f"    {spec.label}")
