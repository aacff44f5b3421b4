from sampark.people.management.commands.export_people import ExportCommand


class Command(ExportCommand):
    help = "Export a unit and its subtree as CSV or .xlsx, in the shape import_units reads."
    kind = "units"
