"""Events: workshops, meetings, trainings, conventions, online sessions. An event belongs to the unit
that organises it and invites an audience chosen exactly as a directive's (a target unit's subtree,
narrowed by level, role and team); the invitation *is* a directive without acknowledgement, so it
reaches inboxes and phones the way every directive does. Around it: answers (RSVP), the programme
(who presided, addressed, conducted the stage, thanked), check-ins made on volunteers' phones
(offline too, each once by its client id), a review per unit, photos, and the report written
afterwards from all of it."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampark.core.fields import PathField
from sampark.core.names import BilingualNameMixin
from sampark.core.visibility import PathScopedQuerySet, leading_roots, visible_roots


class Named(BilingualNameMixin, models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name_hi = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class EventKind(Named):
    """कार्यशाला workshop, बैठक meeting, प्रशिक्षण training, सम्मेलन convention, online: data, not code."""


class ProgrammeRole(Named):
    """अध्यक्षता presiding, मुख्य अतिथि chief guest, संबोधन address, मंच संचालन stage, धन्यवाद ज्ञापन thanks…"""


class EventQuerySet(PathScopedQuerySet):
    """Who may open an event: those who lead its organising unit or one above it (drafts too); once
    it is published (or cancelled), everyone who sees the organising unit and everyone in the
    invitation's audience; and its creator. Anything else is 404. Those a published report reached
    (its directive's audience) may open the event too, even one recorded afterwards as a draft."""

    path_field = "unit_path"

    def scope_q(self, person) -> Q:
        from sampark.directives.audience import audience_q
        from sampark.directives.models import Directive

        invited = Directive.objects.filter(audience_q(person), status=Directive.Status.PUBLISHED)
        out = ~Q(status=Event.Status.DRAFT)
        return (self.roots_q(leading_roots(person)) | (out & self.roots_q(visible_roots(person)))
                | (out & Q(invitation__in=invited.values("pk")))
                | Q(pk__in=EventReport.objects.filter(directive__in=invited.values("pk")).values("event_id")))

    def also_visible(self, person) -> Q:
        return Q(created_by=person)


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Invitations sent")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255, db_index=True)
    kind = models.ForeignKey(EventKind, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True, default="")
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    # The audience, as a directive's: a target unit's subtree, optionally narrowed (comma-framed codes).
    audience_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    audience_path = PathField(max_length=255)
    levels = models.CharField(max_length=200, blank=True, default="")
    roles = models.CharField(max_length=100, blank=True, default="")
    teams = models.CharField(max_length=100, blank=True, default="")
    # A review event records, per unit, what was reported, the difficulties and the instructions.
    is_review = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The invitation: a directive without acknowledgement, made when the event is published.
    invitation = models.OneToOneField("directives.Directive", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="event")
    created_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="events_created")
    client_uuid = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["unit_path", "starts_at"], name="event_unit_starts"),
                   models.Index(fields=["status", "starts_at"], name="event_status_starts")]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "client_uuid"], condition=Q(client_uuid__isnull=False),
                                    name="event_client_uuid_unique"),
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class RsvpQuerySet(PathScopedQuerySet):
    """Answers by the answerer's unit (an answer is read through its event; this is the rule for a
    list of answers across events); a person's own answers wherever they sit."""

    path_field = "unit_path"

    def also_visible(self, person) -> Q:
        return Q(person=person)


class Rsvp(models.Model):
    """A person's answer to an invitation: yes, no or maybe; one row per person, the latest answer.
    ``unit_path`` is the unit of the post that made them an invitee (for roll-ups by unit)."""

    class Answer(models.TextChoices):
        YES = "yes", _("Coming")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("Not coming")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="event_rsvps")
    answer = models.CharField(max_length=5, choices=Answer.choices)
    unit_path = PathField(max_length=255)
    answered_at = models.DateTimeField()

    objects = RsvpQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="rsvp_once")]
        indexes = [models.Index(fields=["event", "unit_path"], name="rsvp_event_unit")]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.person_id}: {self.answer}"


class ProgrammeItem(models.Model):
    """One item of the programme in order: a role and a member, or a guest who is not a member
    (name and title only), with a short summary of what was said or done."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    position = models.PositiveSmallIntegerField()
    role = models.ForeignKey(ProgrammeRole, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    guest_name = models.CharField(max_length=120, blank=True, default="")
    guest_title = models.CharField(max_length=200, blank=True, default="")
    text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(guest_name=""), name="programme_who"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} #{self.position}"


class CheckinQuerySet(PathScopedQuerySet):
    """Check-ins by the attendee's unit; a person's own, and those they made as a volunteer."""

    path_field = "unit_path"

    def also_visible(self, person) -> Q:
        return Q(person=person) | Q(checked_in_by=person)


class Checkin(models.Model):
    """One person checked in at an event, or a number of walk-ins (``person`` empty, ``walk_ins`` > 0).
    The id is made on the volunteer's phone, so a resend is taken once; a person is counted once
    per event whoever checks them in and however often."""

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        CODE = "code", _("Typed code")
        PHONE = "phone", _("Phone number")
        NAME = "name", _("Name search")
        WALK_IN = "walk_in", _("Walk-ins")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, help_text="Made by the client, for safe retries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checkins")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="event_checkins")
    # The attendee's unit (the post that made them an invitee, else their first post): roll-ups by unit.
    unit_path = PathField(max_length=255, blank=True, default="")
    walk_ins = models.PositiveIntegerField(default=0)
    method = models.CharField(max_length=8, choices=Method.choices)
    checked_in_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = CheckinQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], condition=Q(person__isnull=False),
                                    name="checkin_person_once"),
            models.CheckConstraint(condition=Q(person__isnull=False, walk_ins=0) | Q(person__isnull=True, walk_ins__gt=0),
                                   name="checkin_person_or_walk_ins"),
        ]
        indexes = [models.Index(fields=["event", "unit_path"], name="checkin_event_unit")]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.person_id or self.walk_ins}"


class ReviewEntryQuerySet(PathScopedQuerySet):
    path_field = "unit_path"


class ReviewEntry(models.Model):
    """What a review event recorded for one unit: an activity reported, a difficulty raised, or an
    instruction given. Activities and difficulties are also the unit's review notes; an instruction is
    also an action item with its owner and deadline (the district review's own records)."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity")
        DIFFICULTY = "difficulty", _("Difficulty")
        INSTRUCTION = "instruction", _("Instruction")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="review")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    note = models.ForeignKey("difficulties.ReviewNote", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    action_item = models.ForeignKey("difficulties.ActionItem", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = ReviewEntryQuerySet.as_manager()

    class Meta:
        ordering = ["unit_path", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind}: {self.text[:40]}"


class EventPhoto(models.Model):
    """A photo of the event, stored and served through the shared file module (visibility-checked)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, help_text="Made by the client, for safe retries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="events/%Y/%m/")
    caption = models.CharField(max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.pk}"


class EventReport(models.Model):
    """The report written afterwards, per language: generated from the record, editable while a draft,
    then published down the tree as a directive without acknowledgement."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reports")
    lang = models.CharField(max_length=2, choices=[("hi", "हिन्दी"), ("en", "English")])
    text = models.TextField()
    edited = models.BooleanField(default=False, help_text="Changed by hand after it was generated")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    directive = models.ForeignKey("directives.Directive", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    updated_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "lang"], name="event_report_lang_once")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.lang}"


class ReminderTimer(models.Model):
    """A reminder of an event to its invitees, due a day or two hours before the start (STYLE rule 7):
    made by the tick when due, claimed by a conditional UPDATE that moves ``due_at`` a lease ahead
    (0 rows: another worker has it), done once the messages are queued (each once per person, by ref)."""

    class Kind(models.TextChoices):
        DAY = "day"      # 24 hours before the start
        HOURS = "hours"  # 2 hours before the start

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminder_timers")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    due_at = models.DateTimeField()
    done = models.BooleanField(default=False)
    runs = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["done", "due_at"], name="event_reminder_due")]
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="event_reminder_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id} at {self.due_at:%Y-%m-%d %H:%M}"
