from django.core.management.base import BaseCommand

from sampark.org.setup import fill_constituency_hindi_names


class Command(BaseCommand):
    help = ("Fill the empty Hindi names of Bihar's assembly constituencies from the shipped data file "
            "(matched by ECI number and English name; names already given are kept). Safe to run again.")

    def handle(self, *args, **options):
        self.stdout.write(f"{fill_constituency_hindi_names(None)} constituencies named in Hindi")
