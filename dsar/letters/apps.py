from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def _remove_file_on_commit(sender, instance, **kwargs) -> None:
    """A document's file leaves storage when its row is deleted, however the deletion came
    (``document_delete``, a case or an account deleted with its documents, the admin), and only
    once the deletion is committed, so a rolled-back deletion loses nothing."""
    if not instance.file:
        return
    storage, name = instance.file.storage, instance.file.name
    transaction.on_commit(lambda: storage.delete(name), robust=True)


class LettersConfig(AppConfig):
    name = "dsar.letters"
    label = "letters"
    verbose_name = _("Letters")

    def ready(self) -> None:
        post_delete.connect(
            _remove_file_on_commit,
            sender="letters.Document",
            dispatch_uid="letters.document.remove_file",
        )
