"""Difficulties raised from below, answered with instructions, escalated on time; and the district
review's notes and action items. Nothing here is ever deleted: history rows are append-only."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampark.core.fields import PathField
from sampark.core.models import AppendOnlyModel, AppendOnlyQuerySet
from sampark.core.names import BilingualNameMixin
from sampark.core.visibility import PathScopedQuerySet


class Named(BilingualNameMixin, models.Model):
    name_hi = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class DifficultyCategory(Named):
    """Data, so the organisation can add its own (demo: technical, training, organisational, ...)."""

    code = models.SlugField(max_length=32, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name_plural = "difficulty categories"


class AnswerPolicy(models.Model):
    """Hours a handling level has to answer before the difficulty moves up. The most specific row
    wins: (level, category), then (level, any), then (any level, category), then (any, any)."""

    level = models.ForeignKey("org.Level", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(DifficultyCategory, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    hours = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "category"], name="answer_policy_unique"),
        ]
        verbose_name_plural = "answer policies"

    def __str__(self) -> str:
        return f"{self.level_id or '*'}/{self.category_id or '*'}: {self.hours} h"


class BusinessHours(models.Model):
    """Optional: when set (one row), the time to answer only runs inside these hours on these weekdays."""

    start = models.TimeField()
    end = models.TimeField()
    weekdays = models.CharField(max_length=7, default="012345", help_text="Monday=0 … Sunday=6")

    class Meta:
        verbose_name_plural = "business hours"

    def __str__(self) -> str:
        return f"{self.start}-{self.end} on {self.weekdays}"


class Holiday(Named):
    """A day the time to answer does not run."""

    date = models.DateField(unique=True)

    class Meta:
        ordering = ["date"]


class Status(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    INFO_REQUESTED = "info_requested", _("More information asked")
    ASSIGNED = "assigned", _("Passed to a person")
    MERGED = "merged", _("Merged with a similar one")
    ANSWERED = "answered", _("Answered")
    REOPENED = "reopened", _("Reopened")
    SOLVED = "solved", _("Solved")


# A coordinator owes an answer in these states; the timer runs.
WAITING = (Status.OPEN, Status.REOPENED, Status.ASSIGNED)
# Not yet closed from the raiser's side.
UNRESOLVED = (Status.OPEN, Status.REOPENED, Status.ASSIGNED, Status.INFO_REQUESTED, Status.MERGED)


class DifficultyQuerySet(PathScopedQuerySet):
    """Difficulties raised in the person's subtrees, plus their own and those passed to them."""

    path_field = "unit_path"

    def also_visible(self, person) -> Q:
        return Q(raised_by=person) | Q(assigned_to=person)


class Difficulty(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, help_text="Made by the client, for safe retries")
    raised_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="difficulties")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255, db_index=True)
    handling_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    handling_path = PathField(max_length=255, db_index=True)
    category = models.ForeignKey(DifficultyCategory, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    link = models.URLField(blank=True, default="")
    photo = models.FileField(upload_to="difficulties/%Y/%m/", blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="assigned_difficulties")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    # The timer: set while a coordinator owes an answer; a worker claims it (STYLE rule 7).
    due_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(default=0)
    # The level that gave the last answer: a reopened difficulty goes back there.
    closed_by_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    first_answered_at = models.DateTimeField(null=True, blank=True)
    answered_in_time = models.BooleanField(null=True, blank=True)
    answer = models.TextField(blank=True, default="")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Hash of the first request's body: a retry with the same UUID and body is answered, another body is 409.
    body_hash = models.CharField(max_length=64)

    objects = DifficultyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "difficulties"
        indexes = [
            models.Index(fields=["status", "due_at"], name="difficulty_timer"),
            models.Index(fields=["raised_by", "created_at"], name="difficulty_raiser"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def waiting(self) -> bool:
        return self.status in WAITING

    def overdue_at(self, now) -> bool:
        return self.status in WAITING and (self.escalations > 0 or (self.due_at is not None and self.due_at <= now))


class EventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ESCALATED = "escalated", _("Moved up: no answer in time")
    AT_TOP = "at_top", _("No answer in time at the top level")
    ANSWERED = "answered", _("Answered with an instruction")
    INFO_REQUESTED = "info_requested", _("More information asked")
    INFO_GIVEN = "info_given", _("More information given")
    ASSIGNED = "assigned", _("Passed to a person")
    MERGED = "merged", _("Merged with a similar one")
    REOPENED = "reopened", _("Reopened")
    SOLVED = "solved", _("Confirmed solved")


class DifficultyEvent(AppendOnlyModel):
    """One step of a difficulty's history: who, what, when, from which unit to which."""

    difficulty = models.ForeignKey(Difficulty, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="The person it was passed to")
    text = models.TextField(blank=True, default="")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]  # the order things happened, whatever clock a drill used

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class ReviewNoteQuerySet(AppendOnlyQuerySet, PathScopedQuerySet):
    path_field = "unit_path"


class ReviewNote(models.Model):
    """A note written during a review about one unit. Append-only."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255, db_index=True)
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()

    objects = ReviewNoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionItemQuerySet(PathScopedQuerySet):
    path_field = "unit_path"

    def also_visible(self, person) -> Q:
        return Q(owner=person)


class ActionItem(models.Model):
    """Something to do, agreed in a review for one unit: an owner, a due date; open until done."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255, db_index=True)
    created_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="action_items")
    text = models.TextField()
    due_on = models.DateField()
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Timer for the one "overdue" reminder to the owner (claimed like a difficulty's).
    remind_at = models.DateTimeField(null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_at"], name="action_item_owner"),
                   models.Index(fields=["remind_at"], name="action_item_remind")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue_on(self, today) -> bool:
        return self.done_at is None and self.due_on < today
