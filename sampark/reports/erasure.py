"""Reports' eraser (sampark.core.erasure): the free texts of an erased person's reports (text and
link values, now and in their earlier versions) become the marker, and their photos go, files and
rows (a photo may show faces). The reports themselves, their numbers, and the roll-ups stay."""

from django.db import transaction

from sampark.core import files
from sampark.core.erasure import register_eraser
from sampark.reports.models import FieldKind, Report, ReportField, ReportPhoto, ReportRevision

FREE = (FieldKind.TEXT, FieldKind.LINK)


def _free_codes(type_ids) -> dict[int, set[str]]:
    codes: dict[int, set[str]] = {}
    for type_id, code in ReportField.objects.filter(type_id__in=type_ids, kind__in=FREE).values_list("type_id", "code"):
        codes.setdefault(type_id, set()).add(code)
    return codes


def _blanked(values: dict, codes: set[str], marker: str) -> dict | None:
    """The values with each free text replaced, or None when there is none."""
    if not isinstance(values, dict) or not any(isinstance(values.get(c), str) and values[c] for c in codes):
        return None
    return {k: (marker if k in codes and isinstance(v, str) and v else v) for k, v in values.items()}


def erase(person, marker: str) -> int:
    reports = Report.objects.filter(author=person)
    free = _free_codes(reports.values("type_id").distinct())
    n = 0
    for report in reports.only("id", "type_id", "values"):
        new = _blanked(report.values, free.get(report.type_id, set()), marker)
        if new is not None:
            n += Report.objects.filter(pk=report.pk).update(values=new)
    for rev in ReportRevision.objects.filter(report__author=person).select_related("report").only(
            "id", "values", "report__type_id"):
        new = _blanked(rev.values, free.get(rev.report.type_id, set()), marker)
        if new is not None:
            n += ReportRevision.objects.filter(pk=rev.pk).update(values=new)
    n += ReportRevision.objects.filter(edited_by=person).exclude(reason="").update(reason=marker)
    photos = ReportPhoto.objects.filter(report__author=person) | ReportPhoto.objects.filter(uploaded_by=person)
    gone = list(photos.values_list("file", flat=True))
    n += ReportPhoto.objects.filter(file__in=gone).delete()[0] if gone else 0
    transaction.on_commit(lambda: [files.remove(f) for f in gone])  # the files only once the rows are gone
    return n


def register() -> None:
    register_eraser("reports", erase, covers=["reports.Report.values", "reports.ReportRevision.values",
                                              "reports.ReportRevision.reason", "reports.ReportPhoto.*"])
