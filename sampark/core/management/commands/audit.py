from django.core.management.base import BaseCommand, CommandError

from sampark.core import audit


class Command(BaseCommand):
    help = ("The audit log. `audit verify` walks its hash chain in order and exits 0 when every row is as "
            "written, or non-zero naming the first row (seq) changed, removed or added by hand; it prints "
            "the chain head (seq and hash), which can be noted elsewhere to compare later.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        check = sub.add_parser("verify", help="check the hash chain")
        check.add_argument("--chunk", type=int, default=audit.CHUNK, help="rows read per query")

    def handle(self, *args, what, chunk, **options):
        verdict = audit.verify(chunk=max(1, chunk))
        if not verdict.ok:
            raise CommandError(f"audit chain broken at seq {verdict.bad_seq}: {verdict.problem} "
                               f"({verdict.checked} rows before it checked)")
        self.stdout.write(f"audit chain intact: {verdict.checked} rows checked; "
                          f"head seq {verdict.head_seq}, hash {verdict.head_hash}")
