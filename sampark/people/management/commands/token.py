from django.core.management.base import BaseCommand, CommandError

from sampark.people.auth import issue_token, revoke_token
from sampark.people.models import ApiToken, Person
from sampark.people.services import PeopleError, normalize_phone


class Command(BaseCommand):
    help = ("Personal API tokens: `token --phone +91... [--label X]` prints a new one (shown once); "
            "`--list` shows a person's tokens; `--revoke PREFIX` revokes one.")

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True, help="the person's phone, e.g. +919876543210")
        parser.add_argument("--label", default="", help="a note to tell tokens apart, e.g. 'laptop'")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--list", dest="show", action="store_true", help="list the person's tokens")
        group.add_argument("--revoke", metavar="PREFIX", help="revoke the token starting with PREFIX")

    def handle(self, *args, phone, label, show, revoke, **options):
        try:
            phone = normalize_phone(phone)
        except PeopleError as exc:
            raise CommandError(str(exc)) from exc
        person = Person.objects.filter(phone=phone).first()
        if person is None:
            raise CommandError(f"No person has the phone {phone}.")
        if show:
            for t in ApiToken.objects.filter(person=person).order_by("created_at", "pk"):
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                self.stdout.write(f"{t.prefix}\t{state}\tcreated {t.created_at:%Y-%m-%d %H:%M}\tused {used}\t{t.label}")
            return
        if revoke is not None:
            prefix = revoke if revoke.startswith("smp_") else "smp_" + revoke
            matches = list(ApiToken.objects.filter(person=person, prefix__startswith=prefix[:12],
                                                   revoked_at__isnull=True))
            # The stored prefix is 12 characters; a longer argument (a whole key) must agree with it.
            matches = [t for t in matches if prefix.startswith(t.prefix) or t.prefix.startswith(prefix)]
            if not matches:
                raise CommandError(f"{person.phone} has no active token starting with {prefix}.")
            if len(matches) > 1:
                raise CommandError(f"{len(matches)} tokens start with {prefix}; give more characters.")
            revoke_token(None, matches[0])
            self.stdout.write(f"revoked {matches[0].prefix}")
            return
        self.stdout.write(issue_token(None, person, label))
