from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "dsar.responses"
    verbose_name = _("Agency letters read")
