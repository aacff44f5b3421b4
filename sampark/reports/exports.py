"""The dashboard table, as the rows an export writes (see sampark.core.tables for CSV and Excel)."""

from collections.abc import Iterator
from itertools import batched

from django.utils.translation import gettext as _

from sampark.core.names import pick
from sampark.org.exports import PathNames
from sampark.reports.models import FieldKind, ReportPhoto, ReportType


def table(dash) -> tuple[list[str], list[list]]:
    header = [_("Unit (Hindi)"), _("Unit (English)"), _("Code")]
    header += [label for _code, label, _col in dash.measures]
    header += [_("Units below that reported (%)"), _("Silent")]
    rows = []
    for row in dash.children:
        u = row.unit
        line = [u.name_hi, u.name_en, u.code]
        line += [row.values.get(code, 0) for code, _l, _c in dash.measures]
        line += ["" if row.share is None else round(row.share * 100), _("yes") if row.silent else _("no")]
        rows.append(line)
    return header, rows


# --- individual reports -------------------------------------------------------------------------

CHUNK = 2000


def _value_columns(rtype) -> list[tuple[int, str, str, dict]]:
    """(type id, field code, header, {choice value: label}) for every field but photos: of one type,
    or of every type (each header then says its type)."""
    types = [rtype] if rtype is not None else list(ReportType.objects.prefetch_related("fields").order_by("order", "pk"))
    out = []
    for t in types:
        for f in t.fields.all():
            if f.kind == FieldKind.PHOTO:
                continue
            header = f.label if rtype is not None else f"{t.name}: {f.label}"
            labels = {str(c.get("value")): pick(c.get("hi", ""), c.get("en", "")) or str(c.get("value"))
                      for c in f.choices or []}
            out.append((t.pk, f.code, header, labels))
    return out


def report_table(qs, roots: list[str], rtype, photo_url) -> tuple[list[str], Iterator[list]]:
    """Columns and rows of individual reports: one row per report (date, the unit's path of names,
    type, author's name, a column per field, photo links). ``qs`` started from visible_to;
    ``photo_url(photo_id)`` gives a photo's absolute address. Names only, never a phone number."""
    value_columns = _value_columns(rtype)
    header = [_("Date"), _("Unit"), _("Report type"), _("Reported by")] + [h for _t, _c, h, _l in value_columns]
    header.append(_("Photos"))

    def rows():
        names = PathNames(roots)
        type_names = {t.pk: pick(t.name_hi, t.name_en, names.lang) for t in ReportType.objects.all()}
        values = qs.order_by("date", "unit_path", "pk").values_list(
            "pk", "date", "unit_path", "type_id", "author__name_hi", "author__name_en", "values")
        for chunk in batched(values.iterator(chunk_size=CHUNK), CHUNK):
            names.prepare(r[2] for r in chunk)
            photos: dict = {}
            for report_id, photo_id in (ReportPhoto.objects.filter(report_id__in=[r[0] for r in chunk])
                                        .order_by("created_at", "pk").values_list("report_id", "pk")):
                photos.setdefault(report_id, []).append(photo_url(photo_id))
            for pk, day, path, type_id, a_hi, a_en, vals in chunk:
                line = [day.isoformat(), names.text(path), type_names.get(type_id, ""), pick(a_hi, a_en, names.lang)]
                for t_id, code, _h, labels in value_columns:
                    v = (vals or {}).get(code, "") if t_id == type_id else ""
                    line.append(labels.get(str(v), v) if labels else v)
                line.append("\n".join(photos.get(pk, [])))
                yield line

    return header, rows()
