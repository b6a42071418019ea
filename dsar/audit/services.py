"""The only writer of the audit log: it appends, nothing else."""

from .context import current_ip
from .models import AuditEntry

Action = AuditEntry.Action


def audit_record(*, actor, action: str, case=None, document=None, detail: str = "") -> AuditEntry:
    """Append one entry. Called by the services and selectors that view, change, download,
    export, share or delete, inside their transaction: a refused change leaves no entry."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if document is not None and case is None:
        case = document.case
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_email=actor.email if authenticated else "",
        action=action,
        case_id=case.pk if case is not None else None,
        document_id=document.pk if document is not None else None,
        detail=detail[:500],
        ip_address=current_ip.get(),
    )
