"""The import of counts through the API (sampark.network.imports): a multipart `file`, checked
whole; with `check_only` nothing is written. All rows or none: any bad row answers 422 with every
problem named by its row."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from sampark.core.errors import error_body, error_responses
from sampark.core.tables import MAX_BYTES
from sampark.core.visibility import leading_roots
from sampark.network.imports import FileProblem, ImportResult, import_counts
from sampark.network.services import NetworkError

router = Router(tags=["network"])
MAX_ROWS = 50_000
OPTIONAL_FILE = File(None)  # a missing file gets our own message, not a schema error
NOT_CHECK_ONLY = Form(False)


class NetworkImportOut(Schema):
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    flagged: int
    handles: int


def _out(result: ImportResult) -> dict:
    return {"dry_run": result.dry_run, "rows": result.rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "flagged": result.flagged, "handles": result.handles}


@router.post("/network/imports", response={200: NetworkImportOut, **error_responses(400, 401, 403, 413, 422)})
def import_counts_api(request, file: UploadedFile | None = OPTIONAL_FILE, check_only: bool = NOT_CHECK_ONLY):
    """Counts of handles under the units you lead, from a CSV or .xlsx `file` with the columns
    platform, handle (or its link), date (YYYY-MM-DD), count. Every row is checked first; with any
    bad row nothing is written and the answer (422) names each one in `errors`, keyed
    "row:column" (the header is row 1). A re-import changes nothing.
    A jump above the policy's factor is stored awaiting a coordinator's confirmation."""
    if not leading_roots(request.person):
        raise NetworkError(_("Only those who lead a unit can import counts."), status=403)
    if file is None:
        raise NetworkError(_("Choose a file."), field="file")
    if file.size > MAX_BYTES:
        raise NetworkError(_("The file is larger than {mb} MB. Split it into smaller files.").format(
            mb=MAX_BYTES // (1024 * 1024)), status=413, field="file")
    try:
        result = import_counts(request.person, file.name or "", file.read(), dry_run=check_only, max_rows=MAX_ROWS)
    except FileProblem as exc:
        raise NetworkError(str(exc), field="file") from exc
    if result.errors:
        n = len(result.errors)
        message = ngettext("%(n)s problem found. Nothing was imported: correct the file and upload it again.",
                           "%(n)s problems found. Nothing was imported: correct the file and upload it again.",
                           n) % {"n": n}
        return 422, error_body(message, {f"{e.line}:{e.column}": e.message for e in result.errors})
    return 200, _out(result)
