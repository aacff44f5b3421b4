import shutil
import sys

from django.core.management.base import BaseCommand, CommandError

from sampark.org.exports import export
from sampark.org.models import Unit
from sampark.people.management.commands.import_people import person_by_phone


class ExportCommand(BaseCommand):
    kind = "people"

    def add_arguments(self, parser):
        parser.add_argument("--unit", type=int, required=True, help="the id of the unit whose subtree to export")
        parser.add_argument("--as", dest="actor", required=True, metavar="PHONE",
                            help="the exporting person's phone; they see only their own subtrees")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def options(self, options) -> dict:
        return {}

    def handle(self, *args, unit, actor, format, output, **options):  # noqa: A002
        person = person_by_phone(actor)
        found = Unit.objects.visible_to(person).filter(pk=unit).first()
        if found is None:
            raise CommandError(f"No unit {unit} among those {person.phone} can see.")
        body = export(person, found, self.kind, format, **self.options(options))
        target = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
        try:
            if format == "csv":
                for chunk in body:
                    target.write(chunk)
            else:
                shutil.copyfileobj(body, target)
        finally:
            if output:
                target.close()
            else:
                target.flush()


class Command(ExportCommand):
    help = ("Export the people and posts of a unit's subtree as CSV or .xlsx, in the shape import_people "
            "reads. Phones are masked, unless --phones: then full where the person given by --as leads "
            "(a bulk reveal, audited with its count).")
    kind = "people"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--phones", action="store_true", help="full phone numbers where --as leads")

    def options(self, options) -> dict:
        return {"phones": options["phones"]}
