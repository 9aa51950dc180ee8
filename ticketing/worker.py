"""Celery entry point: ``TICKETING_INI=production.ini celery -A ticketing.worker worker``
(add ``beat`` for the periodic sweeps). Builds the Pyramid application from the ini file
so that every enabled plugin registers its tasks and the tasks share its settings."""
import os

from pyramid.paster import bootstrap, setup_logging

from .tasks import celery_app

config_uri = os.environ.get("TICKETING_INI", "development.ini")
setup_logging(config_uri)
bootstrap(config_uri)["closer"]()

app = celery_app
