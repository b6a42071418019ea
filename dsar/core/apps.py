from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dsar.core"
    label = "core"
