from typing import Any

from sampark.core.models import AuditEntry


def record(actor: Any, action: str, obj: Any = None, *, before: Any = None, after: Any = None,
           object_type: str = "", object_id: str = "", ip: str | None = None) -> AuditEntry:
    """Write one audit row. Call inside the service's transaction so the row and the change land together."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        ip=ip,
    )
