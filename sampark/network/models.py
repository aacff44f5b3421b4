"""The network on social media: members' own handles on the platforms, and their reach as dated
snapshots (followers, subscribers, channel members) that members declare or coordinators import.

Nothing here reads a platform: no scraping, no posting, no following, no accounts of non-members.
A handle belongs to the unit its member chose (one of the units where they hold a post); it is seen
only within the chain above that unit, and a hidden one only by its member. Per-unit figures come
from the daily roll-ups (rollups.py): requests append changes to NetworkPending, the worker folds
them into NetworkDaily (from the Centre down to the fold depth) and marks the booths covered."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampark.core.fields import PathField
from sampark.core.names import BilingualNameMixin
from sampark.core.visibility import PathScopedQuerySet, visible_roots

# In the roll-up tables, platform 0 is "any platform": the sums over all platforms of reach, handles,
# seen and verified, and the booths covered by at least one handle on any platform.
ANY_PLATFORM = 0


class Platform(BilingualNameMixin, models.Model):
    """X, Facebook, Instagram, YouTube, WhatsApp channel, Telegram, ShareChat, Threads…: data, not
    code; an administrator adds newcomers. A link must point to one of `hosts` (or a subdomain)."""

    code = models.SlugField(max_length=32, unique=True)
    name_hi = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    hosts = models.CharField(max_length=300, help_text="Host names separated by spaces, e.g. “x.com twitter.com”")
    # What is counted: followers, subscribers, members.
    counts_hi = models.CharField(max_length=50, default="फ़ॉलोअर")
    counts_en = models.CharField(max_length=50, default="followers")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    def host_list(self) -> list[str]:
        return [h.strip().lower().removeprefix("www.") for h in self.hosts.split() if h.strip()]


class HandleQuerySet(PathScopedQuerySet):
    """A handle is seen within the chain above its unit (those who see the unit's subtree), once it
    is active; its member always sees it. Anything else is 404."""

    path_field = "unit_path"

    def scope_q(self, person) -> Q:
        return self.roots_q(visible_roots(person)) & Q(status=Handle.Status.ACTIVE)

    def also_visible(self, person) -> Q:
        return Q(person=person)


class Handle(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        HIDDEN = "hidden", _("Hidden")

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="network_handles")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="handles")
    handle = models.CharField(max_length=100)
    url = models.URLField(max_length=300)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    verified_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    # The phone's id for the request: a retry gives the same handle back.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    # The latest counted snapshot, copied for lists.
    latest_count = models.BigIntegerField(null=True, blank=True)
    latest_date = models.DateField(null=True, blank=True)

    objects = HandleQuerySet.as_manager()

    class Meta:
        # Members count once per platform: one handle each.
        constraints = [models.UniqueConstraint(fields=["person", "platform"], name="network_handle_one_per_platform")]
        indexes = [models.Index(fields=["unit", "platform"], name="network_handle_unit_platform")]

    def __str__(self) -> str:
        return f"{self.platform.code}:{self.handle}"


class Snapshot(models.Model):
    """A dated count of a handle's reach. A jump above the policy's factor since the previous counted
    snapshot waits for a coordinator (FLAGGED) and is not counted until confirmed."""

    class Status(models.TextChoices):
        COUNTED = "counted", _("Counted")
        FLAGGED = "flagged", _("Awaiting confirmation")
        REJECTED = "rejected", _("Not accepted")

    class Source(models.TextChoices):
        MEMBER = "member", _("Entered by the member")
        IMPORT = "import", _("Imported")
        COORDINATOR = "coordinator", _("Entered by a coordinator")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    handle = models.ForeignKey(Handle, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField()
    count = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COUNTED)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MEMBER)
    entered_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["handle", "date"], name="network_snapshot_one_per_day")]
        indexes = [models.Index(fields=["status", "handle"], name="network_snapshot_status")]

    def __str__(self) -> str:
        return f"{self.handle_id} {self.date} {self.count}"


class NetworkPending(models.Model):
    """One change to fold into the daily roll-ups (the difference a handle's change made to what it
    contributes, rollups.contributions). Requests only append here; the fold is the one writer."""

    unit_path = PathField(max_length=255)
    platform_id = models.BigIntegerField()
    day = models.DateField()
    reach = models.BigIntegerField(default=0)
    handles = models.IntegerField(default=0)
    seen = models.IntegerField(default=0)
    verified = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.unit_path} {self.platform_id} {self.day} {self.reach:+d}"


class NetworkDaily(models.Model):
    """Per (unit, platform, day), over the unit's subtree, changes on that day: reach (sum of the
    latest counted snapshots), handles registered, handles last seen that day (for "stale"),
    handles verified, booths newly covered (platform 0: the sums over the platforms, and booths newly
    covered by any platform). A unit's figure at a date is the sum of its rows up to that date, or
    its NetworkTotal minus its rows after that date."""

    unit_id = models.BigIntegerField()
    parent_id = models.BigIntegerField(null=True)
    platform_id = models.BigIntegerField()
    day = models.DateField()
    reach = models.BigIntegerField(default=0)
    handles = models.IntegerField(default=0)
    seen = models.IntegerField(default=0)
    verified = models.IntegerField(default=0)
    booths = models.IntegerField(default=0)

    class Meta:
        # Day before platform: the readers ask for "unit_id IN (...) AND day > X" (the recent rows).
        # The fold's ON CONFLICT (unit_id, platform_id, day) matches this index (columns in any order).
        constraints = [models.UniqueConstraint(fields=["unit_id", "day", "platform_id"], name="networkdaily_key")]
        indexes = [models.Index(fields=["parent_id", "day"], name="networkdaily_parent_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.platform_id} {self.day}"


class NetworkTotal(models.Model):
    """Per (unit, platform), over the unit's subtree, the figures now: the sum of the unit's
    NetworkDaily rows, kept by the fold in the same transaction (platform 0 as there)."""

    unit_id = models.BigIntegerField()
    parent_id = models.BigIntegerField(null=True)
    platform_id = models.BigIntegerField()
    reach = models.BigIntegerField(default=0)
    handles = models.IntegerField(default=0)
    seen = models.IntegerField(default=0)
    verified = models.IntegerField(default=0)
    booths = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_id", "platform_id"], name="networktotal_key")]
        indexes = [models.Index(fields=["parent_id"], name="networktotal_parent")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.platform_id}"


class BoothCover(models.Model):
    """A booth with at least one active handle on the platform (0: on any): kept by the fold, which
    adds ±1 booths to the booth's ancestors when a row appears or goes."""

    unit_id = models.BigIntegerField()
    platform_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_id", "platform_id"], name="network_boothcover_key")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.platform_id}"
