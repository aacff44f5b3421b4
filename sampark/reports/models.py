"""Reports flow up: typed activity reports per unit and day, their photos, their history, and the
daily roll-up table that dashboards read (docs/PERF.md: pre-aggregate daily, folded from a pending queue)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from sampark.core import files
from sampark.core.fields import PathField
from sampark.core.names import BilingualNameMixin, pick
from sampark.core.visibility import PathScopedQuerySet
from sampark.org.models import Level, Unit
from sampark.people.models import Person

# Numeric fields of a type are summed into these slots of the daily table (v1..v4).
NUMERIC_SLOTS = 4


class ReportType(BilingualNameMixin, models.Model):
    """A kind of activity report, defined by the organisation (data, not code)."""

    code = models.SlugField(max_length=32, unique=True)
    name_hi = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    # Empty means every level may report this type.
    levels = models.ManyToManyField(Level, blank=True, related_name="report_types")
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    NUMBER = "number", _("Whole number")
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    DATE = "date", _("Date")
    LINK = "link", _("Link")
    PHOTO = "photo", _("Photo")


class ReportField(models.Model):
    type = models.ForeignKey(ReportType, on_delete=models.CASCADE, related_name="fields")
    code = models.SlugField(max_length=32)
    label_hi = models.CharField(max_length=100)
    label_en = models.CharField(max_length=100)
    kind = models.CharField(max_length=8, choices=FieldKind.choices)
    required = models.BooleanField(default=False)
    # For kind=choice: a list of {"value": ..., "hi": ..., "en": ...}.
    choices = models.JSONField(default=list, blank=True)
    min_value = models.BigIntegerField(null=True, blank=True)
    max_value = models.BigIntegerField(null=True, blank=True)
    # For kind=number: which column of the daily roll-up holds its sum (1..NUMERIC_SLOTS).
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["type", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["type", "code"], name="reportfield_code_unique"),
            models.UniqueConstraint(fields=["type", "slot"], condition=models.Q(slot__isnull=False),
                                    name="reportfield_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.type.code}.{self.code}"

    @property
    def label(self) -> str:
        return pick(self.label_hi, self.label_en)


class ReportQuerySet(PathScopedQuerySet):
    path_field = "unit_path"


class Report(models.Model):
    # Made on the phone, so a resend of the same report is recognised (STYLE rule 6).
    id = models.UUIDField(primary_key=True)
    # No index of its own: the (date, unit_path) index below serves a unit's reports (its path)
    # as well as a subtree's, in a period, and one index fewer to update counts at thousands of
    # reports a second. (Deleting a unit, which PROTECT forbids while it has reports, scans.)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", db_index=False)
    unit_path = PathField(max_length=255)  # indexed in Meta: a field's db_index adds a LIKE-only copy on PostgreSQL
    # No index: nothing lists reports by type alone (roll-ups are per type), and each index costs
    # a write per report.
    type = models.ForeignKey(ReportType, on_delete=models.PROTECT, related_name="reports", db_index=False)
    date = models.DateField()
    values = models.JSONField(default=dict)
    # No index of its own: the (author, created_at) index below starts with it (and serves a
    # person's page, newest first: one index where the key's own was).
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reports", db_index=False)
    # Hash of the first submission's body: the same id with another body is a conflict.
    body_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        # A subtree's (or a unit's) reports in a period: the dashboards below the folded levels
        # count them from here (policies.fold_depth()), the report lists read them newest first.
        # Date first: new reports carry recent dates, so they land in a small, hot part of the
        # index; path first, each landed on a random page of it, and at India scale PostgreSQL
        # then wrote a full page image to its log for most reports (about half the submit rate;
        # see bench/results). Queries ask for the days as a list (one short range of paths per day).
        indexes = [models.Index(fields=["date", "unit_path"], name="report_date_path"),
                   models.Index(fields=["author", "created_at"], name="report_author_time")]

    def __str__(self) -> str:
        return f"{self.type_id} @ {self.unit_id} on {self.date}"


class ReportRevision(models.Model):
    """The state of a report before a correction (history is kept, never changed)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    date = models.DateField()
    values = models.JSONField(default=dict)
    edited_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["report", "version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="reportrevision_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version}"


class ReportPhoto(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    # Relative to MEDIA_ROOT; served only through a view that checks visibility.
    file = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.file

    @property
    def thumb_width(self) -> int:
        return files.thumb_size(self.width, self.height)[0]

    @property
    def thumb_height(self) -> int:
        return files.thumb_size(self.width, self.height)[1]


class RollupPending(models.Model):
    """One change to fold into the daily roll-ups: +1 for a new report, -1/+1 for a correction.
    Requests only append here; the fold step (jobs.tick) is the one writer of ReportDaily."""

    unit_path = PathField(max_length=255)
    type_id = models.BigIntegerField()
    day = models.DateField()
    reports = models.IntegerField()
    v1 = models.BigIntegerField(default=0)
    v2 = models.BigIntegerField(default=0)
    v3 = models.BigIntegerField(default=0)
    v4 = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.unit_path} {self.type_id} {self.day} {self.reports:+d}"


class ReportDaily(models.Model):
    """Reports and sums of numeric fields per (unit, type, day), over the unit's whole subtree."""

    unit_id = models.BigIntegerField()
    # The unit's parent, so "each child of X" is one index range on parent_id.
    parent_id = models.BigIntegerField(null=True)
    type_id = models.BigIntegerField()
    day = models.DateField()
    reports = models.BigIntegerField(default=0)
    v1 = models.BigIntegerField(default=0)
    v2 = models.BigIntegerField(default=0)
    v3 = models.BigIntegerField(default=0)
    v4 = models.BigIntegerField(default=0)

    class Meta:
        # The key also serves "this unit over a period, all types": a unit has at most types x days
        # rows, so no (unit, day) index of its own, which every new row would pay for.
        constraints = [models.UniqueConstraint(fields=["unit_id", "type_id", "day"], name="reportdaily_key")]
        indexes = [
            models.Index(fields=["parent_id", "day"], name="reportdaily_parent_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.type_id} {self.day}: {self.reports}"
