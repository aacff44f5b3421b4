from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampark.core import paths
from sampark.core.fields import PathField
from sampark.core.names import BilingualNameMixin
from sampark.core.visibility import PathScopedQuerySet, leading_roots, nothing, subtree_q
from sampark.org.models import Unit
from sampark.people.teams import team_choices  # the TeamName rows, kept in the process


class Role(models.TextChoices):
    INCHARGE = "incharge", pgettext_lazy("role", "In-charge")
    HEAD = "head", pgettext_lazy("role", "Head")
    COORDINATOR = "coordinator", pgettext_lazy("role", "Coordinator")
    CO_COORDINATOR = "co_coordinator", pgettext_lazy("role", "Co-coordinator")
    WORKER = "worker", pgettext_lazy("role", "Worker")


# Roles that lead a unit: they see the phone numbers of the people in their subtree.
LEADING_ROLES = frozenset({Role.INCHARGE, Role.HEAD, Role.COORDINATOR, Role.CO_COORDINATOR})


class Team(models.TextChoices):
    SOCIAL_MEDIA = "social_media", pgettext_lazy("team", "Social media")
    IT = "it", pgettext_lazy("team", "IT")
    ORGANISATION = "organisation", pgettext_lazy("team", "Organisation")


class TeamName(BilingualNameMixin, models.Model):
    """A team a post belongs to: data an administrator adds or renames (Post.team holds the code;
    ``Team`` names the seeded ones for the code that needs them)."""

    code = models.SlugField(max_length=16, unique=True)
    name_hi = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class PersonQuerySet(PathScopedQuerySet):
    """People are placed by their active posts: a person is in a subtree when they hold one there."""

    path_field = "posts__unit_path"  # roots_q below says the same, faster

    def roots_q(self, roots: list[str]) -> Q:
        """``pk IN (posts in the ranges)`` rather than a correlated EXISTS, so both databases
        start from the post index range."""
        if not roots:
            return nothing()
        return Q(pk__in=Post.objects.filter(subtree_q("unit_path", roots), active=True).values("person_id"))

    def also_visible(self, person) -> Q:
        """Someone who holds no post sees themselves (their subtrees include them otherwise)."""
        return nothing() if person.visible_roots() else Q(pk=person.pk)


class Notify(models.TextChoices):
    """When a normal directive is sent to a person's phone. The default is one daily digest: a booth
    worker gets at most one message a day for them (each SMS is paid for, and many messages teach
    people to ignore them), while urgent directives still go out at once to everyone."""

    IMMEDIATELY = "now", _("Immediately")
    DIGEST = "digest", _("Once a day, in a digest")
    APP = "app", _("Only in the app")


class Person(BilingualNameMixin, models.Model):
    name_hi = models.CharField(max_length=200, blank=True, default="")
    name_en = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=16, unique=True, help_text="E.164, e.g. +919876543210")
    lang = models.CharField(max_length=2, choices=[("hi", "हिन्दी"), ("en", "English")], default="hi")
    # How a normal directive reaches the person's phone (an urgent one always goes at once).
    notify = models.CharField(max_length=8, choices=Notify.choices, default=Notify.DIGEST)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Roman key that keeps vowels, for ranking search candidates (see core.text).
    search_name = models.CharField(max_length=255, blank=True, default="")
    # Retention (people.erasure): since when the person holds no active post and has not logged in;
    # empty while they hold one (and once erased), so the timed work reads only the idle, by index.
    inactive_since = models.DateTimeField(null=True, blank=True, default=timezone.now, db_index=True)

    objects = PersonQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name

    def visible_roots(self) -> list[str]:
        """Minimal list of subtree root paths where the person holds active posts, cached on this
        object for the request (``forget_roots`` after the posts change)."""
        cached = getattr(self, "_visible_roots", None)
        if cached is None:
            cached = paths.minimal_roots(
                Post.objects.filter(person=self, active=True).values_list("unit_path", flat=True))
            self._visible_roots = cached
        return cached

    def leading_roots(self) -> list[str]:
        """Subtrees where the person leads (in-charge, head, coordinator): they may see phone
        numbers there, and oversee the directives sent into them."""
        cached = getattr(self, "_leading_roots", None)
        if cached is None:
            cached = paths.minimal_roots(
                Post.objects.filter(person=self, active=True, role__in=LEADING_ROLES)
                .values_list("unit_path", flat=True))
            self._leading_roots = cached
        return cached

    def load_roots(self) -> None:
        """Both lists above from one query, for a request that needs both (the navigation's counts)."""
        if getattr(self, "_visible_roots", None) is not None and getattr(self, "_leading_roots", None) is not None:
            return
        rows = list(Post.objects.filter(person=self, active=True).values_list("unit_path", "role"))
        self._visible_roots = paths.minimal_roots(path for path, _role in rows)
        self._leading_roots = paths.minimal_roots(path for path, role in rows if role in LEADING_ROLES)

    def forget_roots(self) -> None:
        self.__dict__.pop("_visible_roots", None)
        self.__dict__.pop("_leading_roots", None)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class PersonToken(models.Model):
    """One Roman skeleton token of a person's names: "rajesh varma" and राजेश वर्मा share rjs, vrm."""

    # Indexes: the unique (person, token) serves lookups by person, and a plain index on token
    # serves the prefix range (a Meta index: a field's db_index would add a second, LIKE-only
    # copy on PostgreSQL, useless with the "C" collation). Each one costs 10 million rows to build.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tokens", db_index=False)
    token = PathField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "token"], name="person_token_unique")]
        indexes = [models.Index(fields=["token"], name="person_token_token")]

    def __str__(self) -> str:
        return self.token


class PostQuerySet(PathScopedQuerySet):
    path_field = "unit_path"


class Post(models.Model):
    """A person's role at a unit, in a team. A person may hold several."""

    # No index of its own: the unique (person, unit, role, team) starts with the person.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts")
    # The unit's path, copied so that "people in a subtree" is one range scan on this table
    # (a Meta index, for the reason given at PersonToken).
    unit_path = PathField(max_length=255)
    role = models.CharField(max_length=16, choices=Role.choices)
    team = models.CharField(max_length=16, choices=team_choices, default=Team.ORGANISATION)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # when the post last ended (history)

    objects = PostQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "unit", "role", "team"], name="post_unique"),
        ]
        indexes = [models.Index(fields=["unit_path"], name="post_unit_path")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.get_team_display()}) @ {self.unit_id}"

    @property
    def leads(self) -> bool:
        return self.role in LEADING_ROLES


class LoginCode(models.Model):
    """A one-time login code: stored hashed, valid 10 minutes, single use, locked after 5 wrong tries."""

    phone = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=128)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Set by the login service from its clock (not auto_now_add), so the caps can be tested in time.
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The per-phone and per-IP caps count the last hour's rows: one index range each.
        indexes = [models.Index(fields=["phone", "created_at"], name="logincode_phone_time"),
                   models.Index(fields=["ip", "created_at"], name="logincode_ip_time")]

    def __str__(self) -> str:
        return f"code for {self.phone}"


class ApiToken(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=128, unique=True)
    label = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.prefix}… of {self.person_id}"


class PersonSession(AbstractBaseSession):
    """A server-side session (people.sessions is the engine). The columns beside the data are
    copied from it on each save, so a person's sessions are one indexed query and ending one is
    deleting its row; the cookie carries only the random key."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions")
    created_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True, default="")
    ip_prefix = models.CharField(max_length=50, blank=True, default="")

    def __str__(self) -> str:
        return f"session of {self.person_id}"


class TOTPDevice(models.Model):
    """A person's authenticator app (sampark.people.twofactor): the shared secret, kept encrypted,
    and the last 30-second step a code was taken for, so a code seen once cannot be used again."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="totp_device")
    secret_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    # Wrong answers since the last right one or the last phone code (as a code's own tries).
    failed_tries = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"authenticator of {self.person_id}"


class RecoveryCode(models.Model):
    """One of a person's ten recovery codes, stored as a keyed hash; each works once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "code_hash"], name="recovery_code_unique")]

    def __str__(self) -> str:
        return f"recovery code of {self.person_id}"


class Passkey(models.Model):
    """A WebAuthn credential (a passkey on the phone) registered as a second factor."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="passkeys")
    credential_id = models.CharField(max_length=400, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    label = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"passkey of {self.person_id}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("transfer", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("transfer", "Approved")
    REJECTED = "rejected", pgettext_lazy("transfer", "Rejected")


class TransferRequestQuerySet(PathScopedQuerySet):
    """Seen by whoever asked, and by those who lead the lowest unit above both places (or higher):
    they decide; once approved, also by the leaders of the place it went to. Nobody else learns
    that the person is a member somewhere."""

    path_field = "approver_path"

    def scope_q(self, person) -> Q:
        return self.roots_q(leading_roots(person))

    def also_visible(self, person) -> Q:
        """Also the leaders where an approved transfer brought the person (the person is theirs now)."""
        came = Q(status=TransferStatus.APPROVED) & subtree_q("to_unit__path", leading_roots(person))
        return Q(requested_by=person) | came


class TransferRequest(models.Model):
    """A leader asks to give a post in their part of the tree to someone who is a member elsewhere.
    Only a leader of the lowest unit above both places may approve it; approving ends the person's
    posts under ``from_unit`` and gives the new post."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfer_requests")
    # The lowest unit holding all the person's active posts when asked: the posts that end.
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)
    team = models.CharField(max_length=16, choices=team_choices, default=Team.ORGANISATION)
    # The path of the lowest common ancestor of the two units (kept right when a subtree moves).
    approver_path = PathField(max_length=255)
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = TransferRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["person", "to_unit", "role", "team"], condition=Q(status="pending"),
            name="transfer_one_pending")]
        indexes = [models.Index(fields=["approver_path"], name="transfer_approver_path")]

    def __str__(self) -> str:
        return f"transfer of {self.person_id} to {self.to_unit_id}"




# --- the post plan and its vacancies (people.vacancies keeps the counters) ---------------------------

class PostPlan(models.Model):
    """A post every unit of a level should have ("every booth: a social-media worker"). ``team``
    empty: a post of the role in any team fills it."""

    level = models.ForeignKey("org.Level", on_delete=models.CASCADE, related_name="post_plans")
    role = models.CharField(max_length=16, choices=Role.choices)
    team = models.CharField(max_length=16, choices=team_choices, blank=True, default="")
    label_hi = models.CharField(max_length=120, blank=True, default="")  # the post: "बूथ सोशल मीडिया कार्यकर्ता"
    label_en = models.CharField(max_length=120, blank=True, default="")
    # What a vacancy line says after "412 of 3,270": "booths without a social-media worker".
    missing_hi = models.CharField(max_length=160, blank=True, default="")
    missing_en = models.CharField(max_length=160, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["level__rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["level", "role", "team"], name="post_plan_unique")]

    def __str__(self) -> str:
        return self.label_en or self.label_hi

    @property
    def label(self) -> str:
        from sampark.core.names import pick

        return pick(self.label_hi, self.label_en)

    @property
    def missing(self) -> str:
        from sampark.core.names import pick

        return pick(self.missing_hi, self.missing_en)


class UnitVacancyQuerySet(PathScopedQuerySet):
    path_field = "unit_path"


class UnitVacancy(models.Model):
    """For a unit and a plan item: how many units of the item's level its subtree holds (itself
    included) and how many of those lack an active post that fills it. A row exists only where
    ``planned`` > 0; ``leaf``: the unit itself is at the item's level (then planned is 1)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="vacancies", db_index=False)
    plan = models.ForeignKey(PostPlan, on_delete=models.CASCADE, related_name="vacancies", db_index=False)
    unit_path = PathField(max_length=255)  # the unit's path, copied: the empty units are one range
    leaf = models.BooleanField(default=False)
    planned = models.PositiveIntegerField(default=0)
    empty = models.PositiveIntegerField(default=0)

    objects = UnitVacancyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "plan"], name="unit_vacancy_unique")]
        indexes = [
            # The empty units of an item in a subtree: one range of this (small) partial index.
            models.Index(fields=["plan", "unit_path"], condition=Q(leaf=True, empty__gt=0),
                         name="unit_vacancy_empty"),
            models.Index(fields=["unit_path"], name="unit_vacancy_path"),
        ]

    def __str__(self) -> str:
        return f"{self.empty}/{self.planned} of plan {self.plan_id} @ {self.unit_id}"


# --- phone masking and reveals (issue 13: minimum access) -----------------------------------------

# ITU country calling codes are prefix-free: these are the one- and two-digit ones, every other is
# three digits. Enough to keep a foreign number's country code when masking it.
_CC1 = frozenset("17")
_CC2 = frozenset({"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
                  "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
                  "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"})


def mask_phone(phone: str) -> str:
    """+919876543210 -> "+91 98XXX XX210"; another country's number keeps its country code and its
    last three digits ("+44 XXXXXXX123"). What lists, pages, search, the API and exports show."""
    phone = phone or ""
    if phone.startswith("+91") and len(phone) == 13:
        return f"+91 {phone[3:5]}XXX XX{phone[-3:]}"
    digits = phone[1:] if phone.startswith("+") else phone
    if len(digits) <= 6:
        return "X" * len(digits)
    cc = digits[:1] if digits[:1] in _CC1 else digits[:2] if digits[:2] in _CC2 else digits[:3]
    return f"+{cc} " + "X" * (len(digits) - len(cc) - 3) + digits[-3:]


class PhoneReveal(models.Model):
    """A person revealed another's full phone number (``kind`` reveal), or reached the day's cap
    and their superior was told (``kind`` cap, once a day). Today's rows of one viewer are one range
    of the (viewer, at) index."""

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("Revealed")
        CAP = "cap", _("Daily limit reached")

    # The viewer has no index of its own: the (viewer, at) index starts with it.
    viewer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.REVEAL)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["viewer", "at"], name="phonereveal_viewer_at")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.person_id} by {self.viewer_id}"


class ErasureReason(models.TextChoices):
    ERASURE = "erasure", pgettext_lazy("erasure", "Asked for erasure")
    WITHDRAW_CONSENT = "withdraw_consent", pgettext_lazy("erasure", "Withdrew consent")
    RETENTION = "retention", pgettext_lazy("erasure", "Inactive too long")


class ErasureRequestQuerySet(PathScopedQuerySet):
    """Seen by the person who asked, and by those who lead a unit where the person holds an active
    post (their coordinators, who may erase at once): placed by the posts, as people are."""

    path_field = "person__posts__unit_path"

    def roots_q(self, roots: list[str]) -> Q:
        if not roots:
            return nothing()
        return Q(person_id__in=Post.objects.filter(subtree_q("unit_path", roots), active=True).values("person_id"))

    def scope_q(self, person) -> Q:
        return self.roots_q(leading_roots(person))

    def also_visible(self, person) -> Q:
        return Q(person=person)


class ErasureRequest(models.Model):
    """A person asked to be erased (or withdrew consent, or was idle past the retention time). It
    takes effect at ``due_at`` (the grace period) or when a coordinator confirms it; then the
    person's name and phone become ``pseudonym`` and placeholders (people.erasure)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="erasure_requests")
    reason = models.CharField(max_length=16, choices=ErasureReason.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    pseudonym = models.CharField(max_length=12, blank=True, default="")

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=Q(done_at__isnull=True),
                                               name="erasure_one_pending")]
        # The timed work reads the due ones: waiting rows by due time.
        indexes = [models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="erasure_due")]

    def __str__(self) -> str:
        return f"erasure of {self.person_id} ({self.reason})"




class Consent(models.Model):
    """A person's consent to one version of the privacy notice (people.notice). Rows are only added,
    and a withdrawal stamps ``withdrawn_at``; at most one standing consent per person and version, so a
    retried "I agree" adds nothing."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", db_index=False)
    notice_version = models.CharField(max_length=32)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Also the lookup "has this person consented to this version": one index range.
        constraints = [models.UniqueConstraint(fields=["person", "notice_version"], condition=Q(withdrawn_at__isnull=True),
                                               name="consent_one_standing")]
        indexes = [models.Index(fields=["person", "given_at"], name="consent_person_given")]

    def __str__(self) -> str:
        return f"consent of {self.person_id} to {self.notice_version}"


__all__ = ["ApiToken", "Consent", "ErasureReason", "ErasureRequest", "LEADING_ROLES", "LoginCode", "Passkey",
           "Person", "PersonSession", "PersonToken", "PhoneReveal", "Post", "PostPlan", "RecoveryCode", "Role",
           "TOTPDevice", "Team", "TeamName", "TransferRequest", "TransferStatus", "UnitVacancy", "mask_phone", "_"]
