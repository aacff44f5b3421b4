from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from sampark.org.imports import FileProblem, import_file
from sampark.people.models import Person
from sampark.people.services import PeopleError, normalize_phone


def person_by_phone(phone: str) -> Person:
    try:
        phone = normalize_phone(phone)
    except PeopleError as exc:
        raise CommandError(str(exc)) from exc
    person = Person.objects.filter(phone=phone, is_active=True).first()
    if person is None:
        raise CommandError(f"No person has the phone {phone}.")
    return person


class ImportCommand(BaseCommand):
    kind = "people"

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument("--as", dest="actor", required=True, metavar="PHONE",
                            help="the importing person's phone; they may change only what they lead")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, file, actor, dry_run, **options):
        person = person_by_phone(actor)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        with translation.override(person.lang):
            try:
                result = import_file(person, self.kind, path.name, data, dry_run=dry_run)
            except FileProblem as exc:
                raise CommandError(str(exc)) from exc
            if result.errors:
                for e in result.errors:
                    self.stderr.write(f"{path.name}:{e.line}:{e.column}: {e.message}")
                raise CommandError(f"{len(result.errors)} problem(s); nothing was written.")
        state = "checked, nothing written" if dry_run else ("imported" if result.changed else "no change")
        self.stdout.write(f"{result.rows} rows: {result.created} new, {result.updated} changed, "
                          f"{result.unchanged} unchanged, {result.transfers} transfer requests ({state}).")


class Command(ImportCommand):
    help = ("Import people and their posts from a CSV or .xlsx file "
            "(phone,name_hi,name_en,lang,unit_level,unit_code,role,team) as the person with the phone "
            "given by --as; every row is checked first, and nothing is written when any row has a problem.")
    kind = "people"
