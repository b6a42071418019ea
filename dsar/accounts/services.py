from django.conf import settings
from django.db import transaction

from dsar.core.exceptions import ApplicationError

from .models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the interface language: e-mails and reminders are sent in it."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError("Unknown language.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
