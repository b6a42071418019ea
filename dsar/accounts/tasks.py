from celery import shared_task

from dsar.core.work import TASK_RETRY_OPTIONS

from .services import data_export_build, data_rights_sweep


# The hard time limit stays below the claim's lease (``services.EXPORT_LEASE_SECONDS``).
@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=1800, soft_time_limit=1700)
def build_data_export(export_id: int) -> str:
    """Build one export zip; the claim inside makes a redelivered task harmless."""
    return data_export_build(export_id=export_id).status


@shared_task(acks_late=True)
def sweep_data_rights() -> dict:
    """Periodic (beat): retention of closed cases and expired exports."""
    return data_rights_sweep()
