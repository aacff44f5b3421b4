from django.conf import settings
from django.utils.functional import SimpleLazyObject

POLL_SECONDS = 10  # how often an open page asks /api/v1/me/pulse (SAMPARK_POLL_SECONDS: tests shorten it)


def sampark(request):
    me = getattr(request, "person", None)
    return {"me": me, "badges": SimpleLazyObject(lambda: badges(me)) if me is not None else None,
            "poll_seconds": getattr(settings, "SAMPARK_POLL_SECONDS", POLL_SECONDS)}


def badges(person) -> dict:
    """The navigation's counts, as the last count for this person left them (core.attention): no
    query. Home carries what has no tab of its own. Without kept counts the badges stay empty and
    the page's script (web/static/web/live.js) polls at once."""
    from sampark.core.attention import kept_counts
    from sampark.people.consent import has_consented

    # Before consenting to the privacy notice the API answers 403: the page does not poll it.
    live = has_consented(person)  # read by the consent middleware already: kept, no query
    got = kept_counts(person)
    if got is None:
        return {"directives": 0, "difficulties": 0, "home": 0, "tag": "", "live": live}
    c = got.counts
    return {"directives": c.get("directives_to_ack", 0), "difficulties": c.get("difficulties_waiting", 0),
            "home": sum(n for k, n in c.items() if k not in ("directives_to_ack", "difficulties_waiting")),
            "tag": got.tag, "live": live}
