"""Admin helpers shared by the apps."""

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType


class RedactedHistoryMixin:
    """The admin's history (``django_admin_log``) stores each object's ``str()`` in plaintext.
    For models whose ``str()`` is encrypted personal data (a case's title names the client), the
    history names the object by its number instead."""

    def _log(self, request, objects, action_flag: int, message="") -> list[LogEntry]:
        content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=False)
        if isinstance(message, list):
            message = json.dumps(message)
        name = self.model._meta.verbose_name
        return LogEntry.objects.bulk_create(
            [
                LogEntry(
                    user_id=request.user.pk,
                    content_type_id=content_type.pk,
                    object_id=obj.pk,
                    object_repr=f"{name} #{obj.pk}"[:200],
                    action_flag=action_flag,
                    change_message=message,
                )
                for obj in objects
            ]
        )

    def log_addition(self, request, obj, message):
        return self._log(request, [obj], ADDITION, message)[0]

    def log_change(self, request, obj, message):
        return self._log(request, [obj], CHANGE, message)[0]

    def log_deletions(self, request, queryset):
        return self._log(request, queryset, DELETION)


class ViewOnlyAdminMixin:
    """For rows whose writes belong to the product's services (sharing, membership, case
    data): a change there must keep the search index, the visibility columns, the audit trail
    and the people concerned in step, which an admin form would bypass. Operators look here
    and act in the product."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
