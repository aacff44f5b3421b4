"""What the network asks of a leader now (core.attention): counts that jumped and wait for their
confirmation in the units they lead (review.flagged's rule). No query for someone who leads nowhere;
one count otherwise (flagged counts are few: the index on status). Unverified handles are not
counted here: at a state's scale that count would read every handle of the state; the review page
shows them."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import ngettext

from sampark.core.attention import Item, Part, register_attention
from sampark.network import review

KIND = "network_counts_to_confirm"


def source(person, now: datetime, with_items: bool) -> Part:  # noqa: ARG001
    n = review.flagged_count(person)
    part = Part(counts={KIND: n})
    if with_items and n:
        part.items.append(Item(KIND, n, ngettext(
            "{n} social-media count waits for your confirmation", "{n} social-media counts wait for your confirmation",
            n).format(n=n), reverse("network:review")))
    return part


def register() -> None:
    register_attention("network", source)
