"""Reports' section of "my data": the reports the person submitted, with their values."""

from django.utils.translation import gettext_lazy as _

from sampark.core.mydata import register_section
from sampark.reports.models import Report


def reports(p) -> list[dict]:
    return [{"id": r.pk, "unit": r.unit_id, "unit_name": r.unit.name, "unit_path": r.unit_path, "type": r.type.code,
             "type_name": r.type.name, "date": r.date, "values": r.values, "version": r.version,
             "created_at": r.created_at}
            for r in Report.objects.filter(author=p).select_related("unit", "type").order_by("date", "created_at")]


def register() -> None:
    register_section("reports", _("Reports"), reports, covers=["reports.Report.author"])
