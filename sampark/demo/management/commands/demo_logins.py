import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from sampark.demo.logins import demo_login_rows, demo_totp_secret
from sampark.people.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the demo log-ins (role, unit, name, phone) and how to log in with them. Demo mode only."

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=["en", "hi"], default="en")

    def handle(self, *args, lang="en", **options):
        if not settings.SAMPARK_DEMO:
            raise CommandError("Demo log-ins are disabled (SAMPARK_DEMO is off).")
        with translation.override(lang):
            rows = demo_login_rows()
            present = [(d, p, posts) for d, p, posts in rows if p is not None]
            if not present:
                self.stdout.write(_("No demo log-ins in this database: load the demo with `sampark demo`."))
                return
            self.stdout.write(_("Demo log-ins (demo data only, not real people):"))
            enrolled = set(TOTPDevice.objects.filter(person__in=[p for _d, p, _posts in present],
                                                     confirmed_at__isnull=False).values_list("person_id", flat=True))
            for login, person, posts in present:
                units = ", ".join(f"{p.unit.name} ({p.unit.level.name})" for p in posts) or "-"
                self.stdout.write(f"  {person.phone}  {person.name:<22} {login.label}: {units}")
                if person.pk in enrolled:
                    self.stdout.write("      " + _("authenticator key (TOTP): {key}").format(
                        key=demo_totp_secret(person.phone)))
            url = f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"  # make run passes its PORT
            self.stdout.write(_(
                "To log in: open {url}, enter one of these phone numbers, and type the code "
                "that appears in the server console (the console SMS channel shows codes in the demo only; "
                "the outbox table keeps them masked).").format(url=url))
            if enrolled:
                self.stdout.write(_(
                    "Leaders at district level and above then give a second factor: add the authenticator key "
                    "shown beside their number to any authenticator app and type the 6-digit code it shows."))
