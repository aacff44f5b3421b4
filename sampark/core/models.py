from django.db import models
from django.utils import timezone


class AppendOnlyQuerySet(models.QuerySet):
    """History and audit rows: added, never changed or removed in bulk."""

    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError(f"{self.model._meta.label} rows are append-only")

    def delete(self):
        raise PermissionError(f"{self.model._meta.label} rows are append-only")


class AppendOnlyModel(models.Model):
    """The same guard on a single row: a saved row is never saved again nor deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self._meta.label} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.label} rows are append-only")


class AuditQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, *args, **kwargs):  # noqa: ARG002
        raise PermissionError("audit rows are written by sampark.core.audit (record, record_rows): they chain them")


class AuditEntry(AppendOnlyModel):
    """Who did what to which object, and when: ids, codes, statuses and counts, never a name, a
    phone or a free text. Never changed. Each row is a link of a hash chain (core/audit.py): ``seq``
    counts from 1 without gaps, ``prev_hash`` is the hash of row seq - 1 and ``hash`` the SHA-256 of
    this row's content with ``prev_hash``, so ``sampark audit verify`` finds a row changed,
    removed or slipped in by hand."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True, default="")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # The network only (a /24 or a /48, as people.sessions keeps it), not the address.
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is None and not self.hash:
            raise PermissionError("audit rows are written by sampark.core.audit.record: it chains them")
        super().save(*args, **kwargs)


class AuditHead(models.Model):
    """The end of the audit chain: one row (pk 1) with the last seq and hash. Writers lock it
    (select_for_update) for the rest of their transaction, so on PostgreSQL they chain one after
    another; it also shows rows cut from the end of the chain."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head {self.seq} {self.hash[:12]}"


class OutboxMessage(models.Model):
    """A message to a phone (SMS now, WhatsApp later), kept so an operator can read what went out."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        FAILED = "failed"

    channel = models.CharField(max_length=16)
    to = models.CharField(max_length=20, db_index=True)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # From a real provider: its id for the message, the SMS parts billed, why it failed.
    external_id = models.CharField(max_length=100, blank=True, default="")
    parts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.status}"


class Policy(models.Model):
    """The value of one organisation policy, as text. What it means and which values are allowed
    is declared by the app that reads it (core.policies); a missing row means the default."""

    key = models.CharField(max_length=64, unique=True)
    value = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
