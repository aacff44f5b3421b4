"""Setting the platforms up (an administrator's writes; atomic, audited): add a platform (code, Hindi
and English names, the hosts its links must be on, what is counted), change its names and hosts, or
deactivate it. A code never changes (the API uses it). Changing the hosts checks only links entered
from then on: handles already registered keep their links. An inactive platform is offered no more;
its handles stay."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.text import clean
from sampark.network.models import Platform
from sampark.org.setup import SetupError, clean_code, clean_names

NAME_MAX = 100
CODE_MAX = 32
COUNTS_MAX = 50
HOSTS_MAX = 300
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def clean_hosts(raw) -> str:
    """Host names separated by spaces or commas (e.g. “x.com twitter.com”): lower case, without
    www., each a real host name with a dot; at least one."""
    hosts = []
    for part in re.split(r"[\s,]+", clean(str(raw or "")).lower()):
        if not part:
            continue
        host = part.removeprefix("www.")
        labels = host.split(".")
        if (len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels)
                or not labels[-1].isalpha()):
            raise SetupError(_(
                "“{host}” is not a host name: write it as in x.com or t.me, without https:// or a path."
            ).format(host=part))
        if host not in hosts:
            hosts.append(host)
    if not hosts:
        raise SetupError(_("Give at least one host name, e.g. x.com."))
    value = " ".join(hosts)
    if len(value) > HOSTS_MAX:
        raise SetupError(_("The host names may have at most {n} characters together.").format(n=HOSTS_MAX))
    return value


def clean_counts(counts_hi, counts_en) -> tuple[str, str]:
    counts_hi, counts_en = clean(str(counts_hi or "")), clean(str(counts_en or ""))
    if not counts_hi or not counts_en:
        raise SetupError(_("Say what is counted in Hindi and in English (e.g. followers)."))
    if len(counts_hi) > COUNTS_MAX or len(counts_en) > COUNTS_MAX:
        raise SetupError(_("What is counted may have at most {n} characters.").format(n=COUNTS_MAX))
    return counts_hi, counts_en


def _snap(p: Platform) -> dict:
    return {"code": p.code, "name_hi": p.name_hi, "name_en": p.name_en, "hosts": p.hosts, "counts_hi": p.counts_hi,
            "counts_en": p.counts_en, "active": p.active}


@transaction.atomic
def add_platform(actor, *, code, name_hi, name_en, hosts, counts_hi, counts_en) -> Platform:
    code = clean_code(code, CODE_MAX)
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    hosts = clean_hosts(hosts)
    counts_hi, counts_en = clean_counts(counts_hi, counts_en)
    if Platform.objects.filter(code=code).exists():
        raise SetupError(_("There is already a platform with the code {code}.").format(code=code))
    position = (Platform.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    p = Platform.objects.create(code=code, name_hi=name_hi, name_en=name_en, hosts=hosts, counts_hi=counts_hi,
                                counts_en=counts_en, position=position)
    audit.record(actor, "network.platform.add", p, after=_snap(p))
    return p


@transaction.atomic
def update_platform(actor, platform: Platform, *, name_hi, name_en, hosts, counts_hi, counts_en,
                    active: bool) -> Platform:
    """Names, hosts, what is counted, active. Existing handles are left as they are."""
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    hosts = clean_hosts(hosts)
    counts_hi, counts_en = clean_counts(counts_hi, counts_en)
    p = Platform.objects.select_for_update().get(pk=platform.pk)
    before = _snap(p)
    p.name_hi, p.name_en, p.hosts, p.counts_hi, p.counts_en, p.active = (
        name_hi, name_en, hosts, counts_hi, counts_en, bool(active))
    if _snap(p) == before:
        return p
    p.save(update_fields=["name_hi", "name_en", "hosts", "counts_hi", "counts_en", "active"])
    audit.record(actor, "network.platform.update", p, before=before, after=_snap(p))
    return p
