from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampark.core import paths
from sampark.core.fields import PathField
from sampark.core.names import BilingualNameMixin
from sampark.core.visibility import PathScopedQuerySet


class Level(BilingualNameMixin, models.Model):
    """A rung of the organisation's ladder (Centre, State, ... Booth). Data, so an organisation may
    rename or skip levels: a unit's children may sit at any deeper level."""

    code = models.SlugField(max_length=32, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="0 for the top; larger is lower")
    name_hi = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(PathScopedQuerySet):
    path_field = "path"


class Unit(BilingualNameMixin, models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="units")
    name_hi = models.CharField(max_length=200, blank=True, default="")
    name_en = models.CharField(max_length=200, blank=True, default="")
    code = models.CharField(max_length=64, blank=True, default="",
                            help_text=_("External code, e.g. a census or constituency number"))
    path = PathField(max_length=255, unique=True)
    synthetic = models.BooleanField(default=False, help_text="Generated demo data, not a real unit")
    # Kept by the services: direct children, and active posts anywhere in the subtree.
    child_count = models.PositiveIntegerField(default=0)
    member_count = models.PositiveIntegerField(default=0)
    search_key = models.CharField(max_length=255, blank=True, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], condition=~Q(code=""), name="unit_code_unique_per_level"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return paths.depth(self.path)

    @property
    def ancestor_ids(self) -> list[int]:
        return paths.ancestor_ids(self.path)[:-1]

    def is_within(self, roots: list[str]) -> bool:
        return paths.in_subtrees(self.path, roots)


class UnitToken(models.Model):
    """One Roman skeleton token of a unit's names, for search by any spelling."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="tokens")
    token = PathField(max_length=32, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "token"], name="unit_token_unique")]

    def __str__(self) -> str:
        return self.token
