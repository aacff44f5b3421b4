from sampark.people.management.commands.import_people import ImportCommand


class Command(ImportCommand):
    help = ("Import units from a CSV or .xlsx file (level,code,name_hi,name_en,parent_level,parent_code) "
            "as the person with the phone given by --as; every row is checked first, and nothing is written "
            "when any row has a problem.")
    kind = "units"
