"""WSGI entry point (gunicorn mapa.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapa.settings")
application = get_wsgi_application()
