"""Directives flow down: stored once with their target, resolved per reader (fan-out on read).

A directive keeps its target unit's path and optional filters (levels, roles, teams). A person is
in its audience when one of their active posts lies in the target's subtree and matches the
filters; so publishing writes one row whatever the audience size. Reads and acknowledgements are
append-only receipt rows (unique per directive, person and kind) plus a pending queue that the
worker folds into per-(directive, unit) counters; roll-ups read the counters.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampark.core.fields import PathField
from sampark.core.visibility import PathScopedQuerySet
from sampark.directives.audience import audience_q
from sampark.org.models import Unit
from sampark.people.models import Person


def as_codes(value: str) -> list[str]:
    """",district,booth," → ["district", "booth"]."""
    return [v for v in value.split(",") if v]


def from_codes(values) -> str:
    """Stored with a comma at each end so "contains ,booth," matches one whole code."""
    values = sorted(set(values or []))
    return "," + ",".join(values) + "," if values else ""


class DirectiveQuerySet(PathScopedQuerySet):
    """What a person may open: their own directives (drafts too), published directives whose
    audience includes them, and published directives aimed inside a subtree they lead (for
    oversight). Everything else is 404."""

    path_field = "target_path"

    def scope_q(self, person) -> Q:
        published = Q(status=Directive.Status.PUBLISHED)
        return (published & audience_q(person)) | (published & self.roots_q(person.leading_roots()))

    def also_visible(self, person) -> Q:
        return Q(author=person)


class Directive(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Priority(models.TextChoices):
        # Ordering "-priority" puts urgent first because "urgent" > "normal" byte by byte.
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="directives")
    target_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="directives")
    # Copied from the unit: the inbox asks "target_path IN (my ancestors' paths)".
    target_path = PathField(max_length=255)
    # Filters, each a comma-framed list of codes (",district,booth,"); empty means everyone.
    levels = models.CharField(max_length=200, blank=True, default="")
    roles = models.CharField(max_length=100, blank=True, default="")
    teams = models.CharField(max_length=100, blank=True, default="")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    requires_ack = models.BooleanField(default=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # An optional task for the audience ("hold a booth meeting and report it"), with the report
    # type that records it: the directive page links to that report form.
    required_action = models.CharField(max_length=300, blank=True, default="")
    required_report_type = models.ForeignKey("reports.ReportType", on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(default=1)
    client_uuid = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["target_path", "status", "published_at"], name="directive_inbox")]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_uuid"], condition=Q(client_uuid__isnull=False),
                                    name="directive_client_uuid_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def level_codes(self) -> list[str]:
        return as_codes(self.levels)

    @property
    def role_codes(self) -> list[str]:
        return as_codes(self.roles)

    @property
    def team_codes(self) -> list[str]:
        return as_codes(self.teams)

    @property
    def is_urgent(self) -> bool:
        return self.priority == self.Priority.URGENT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Revision(models.Model):
    """The text of a directive as it was at each revision: an edit is visible, not silent."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    edited_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["directive", "number"], name="revision_unique")]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.directive_id} r{self.number}"


class Attachment(models.Model):
    """A PDF or image sent with a directive. The file lives under MEDIA_ROOT/directives/ and is
    served only through a view that checks the directive is visible to the reader."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)  # the sender's file name, for display only
    content_type = models.CharField(max_length=40)  # from the content, never from the name
    size = models.PositiveIntegerField()
    file = models.CharField(max_length=200)  # path relative to MEDIA_ROOT
    revision = models.PositiveIntegerField(default=1)  # the directive's revision that added it
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class Receipt(models.Model):
    """A person read or acknowledged a directive. Append-only; one row per (directive, person, kind),
    so a phone's retry finds the row already there and counts nothing twice."""

    class Kind(models.TextChoices):
        READ = "read", _("Read")
        ACK = "ack", _("Acknowledged")

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="receipts")
    # No index of its own: the unique constraint below starts with the person.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="directive_receipts",
                               db_index=False)
    kind = models.CharField(max_length=4, choices=Kind.choices)
    at = models.DateTimeField()
    reply = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        # Person first: it serves the inbox's flags (one person, a page of directives) and the
        # drill-down to people (a unit's people, one directive). Every index here is paid on each
        # acknowledgement, so there are two besides the key: this one and the directive's. The
        # third holds only acknowledgements with a reply (few), for the roll-up's latest replies.
        constraints = [models.UniqueConstraint(fields=["person", "directive", "kind"], name="receipt_person_unique")]
        indexes = [models.Index(fields=["directive", "-at"], name="receipt_replies", condition=~Q(reply=""))]

    def __str__(self) -> str:
        return f"{self.kind} {self.directive_id} by {self.person_id}"


class PendingCount(models.Model):
    """Receipts not yet folded into the counters: the new reads and acknowledgements from posts at
    one unit (one row per unit a request or batch touched, not one per person or per kind). The
    worker claims a batch, adds them to the counters of the unit and its ancestors up to the
    target, and deletes the batch in the same transaction."""

    # A queue row lives a second or so: no index or foreign-key check of its own is worth its cost
    # on every acknowledgement (the fold joins the directive, so a deleted one's rows fall away).
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="+", db_index=False,
                                  db_constraint=False)
    unit_path = PathField(max_length=255)
    reads = models.PositiveIntegerField(default=0)
    acks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"pending +{self.reads} read +{self.acks} ack {self.directive_id} @ {self.unit_path}"


class UnitCountQuerySet(PathScopedQuerySet):
    path_field = "unit_path"


class UnitCount(models.Model):
    """Per directive and unit: matching posts in the unit's subtree (expected, computed once by the
    worker after publishing) and how many of them read and acknowledged (folded in by the worker)."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="unit_counts")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    parent_id = models.BigIntegerField(null=True, blank=True)
    unit_path = PathField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    expected = models.PositiveIntegerField(default=0)
    reads = models.PositiveIntegerField(default=0)
    acks = models.PositiveIntegerField(default=0)

    objects = UnitCountQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["directive", "unit"], name="unitcount_unique")]
        indexes = [models.Index(fields=["directive", "parent_id"], name="unitcount_children"),
                   models.Index(fields=["directive", "depth"], name="unitcount_depth")]

    def __str__(self) -> str:
        return f"{self.directive_id}@{self.unit_id}: {self.acks}/{self.expected}"


class Timer(models.Model):
    """Timed work for a directive (STYLE rule 7): a worker claims a due row with a conditional
    UPDATE that moves it on, and treats 0 rows as "someone else has it"."""

    class Kind(models.TextChoices):
        EXPECTED = "expected"   # count the audience per unit, once after publishing
        REMIND = "remind"       # before the due time: remind who has not acknowledged
        ESCALATE = "escalate"   # after it: tell parents about silent units, one level per step
        ANNOUNCE = "announce"   # at once after publishing: queue the phone messages (urgent: everyone)

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="timers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField()
    # For escalation: the depth of the units reported at the next step (climbs toward the target).
    step_depth = models.PositiveSmallIntegerField(default=0)
    done = models.BooleanField(default=False)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["done", "due_at"], name="timer_due")]
        constraints = [models.UniqueConstraint(fields=["directive", "kind"], name="timer_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.directive_id} at {self.due_at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """The outbox: one message to one person on one channel, with its delivery status. In-app
    messages are delivered when written; phone channels are sent by the worker with retries."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Silent units")
        URGENT = "urgent", _("Urgent directive")
        NEW = "new", _("New directive")
        DIGEST = "digest", _("Daily digest")
        DIFFICULTY = "difficulty", _("Difficulty waiting with you")

    class Status(models.TextChoices):
        # In the order a message moves; a late callback never moves it back (channels.record_status).
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="directive_messages")
    # Empty for messages about no one directive (a daily digest, a difficulty waiting with a leader).
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="messages", null=True,
                                  blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    channel = models.CharField(max_length=12)  # "app", "console", "sms", "whatsapp"
    body = models.TextField()
    # The message's template (sampark/data/message_templates.csv: the DLT template for SMS, the approved
    # one for WhatsApp outside the 24-hour window) and its parameters.
    template = models.CharField(max_length=64, blank=True, default="")
    params = models.JSONField(default=list, blank=True)
    # What the message is about, once per person and channel ("urgent:12", "digest:2026-11-28",
    # "difficulty-event:345"): a re-run of the job that queues it inserts nothing twice. Empty: no such rule.
    ref = models.CharField(max_length=64, blank=True, default="")
    # Where the message opens in the app (a path), when it is not a directive.
    link = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # SMS parts billed (70 Unicode or 160 GSM characters for one, 67 or 153 each when more).
    parts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    external_id = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="message_due"),
                   models.Index(fields=["recipient", "channel", "created_at"], name="message_recipient"),
                   models.Index(fields=["external_id"], name="message_external_id",
                                condition=~Q(external_id=""))]
        constraints = [models.UniqueConstraint(fields=["recipient", "channel", "ref"], condition=~Q(ref=""),
                                               name="message_once_per_ref")]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} to {self.recipient_id}: {self.status}"

    @property
    def url(self) -> str:
        if self.directive_id:
            return f"/directives/{self.directive_id}/"
        return self.link


class WhatsAppWindow(models.Model):
    """When a person last wrote to us on WhatsApp: free text may be sent within 24 hours of it,
    otherwise only an approved template (WhatsApp's rule)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    last_inbound_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.person_id} wrote at {self.last_inbound_at}"


class DigestRun(models.Model):
    """One day's digest of new directives (jobs.digest): claimed by one worker with a conditional
    UPDATE that moves its lease on, and marked done when every digest is queued."""

    day = models.DateField(unique=True)
    leased_until = models.DateTimeField()
    done = models.BooleanField(default=False)
    queued = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"digest {self.day}: {'done' if self.done else 'pending'}"
