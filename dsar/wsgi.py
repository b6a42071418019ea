"""WSGI entry point. Without DJANGO_SETTINGS_MODULE it runs the production settings, which
refuse to start without a real SECRET_KEY; the embedded default must be asked for by name."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsar.settings.production")

application = get_wsgi_application()
