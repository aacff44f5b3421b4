"""The dashboard table, as the rows an export writes (see sampark.core.tables for CSV and Excel)."""

from django.utils.translation import gettext as _


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
