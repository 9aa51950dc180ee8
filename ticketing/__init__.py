"""ticketing: a ticket shop backend on Pyramid. ``main`` is the PasteDeploy app factory."""
import pluggy
from pyramid.config import Configurator

from . import plugins
from .settings import CORE_SETTINGS, as_list, parse_settings

hookimpl = pluggy.HookimplMarker("ticketing")


def make_config(settings):
    """Build the Configurator: core first, then every enabled plugin."""
    enabled = plugins.resolve(
        as_list(settings.get("ticketing.plugins", "")),
        extra=settings.get("ticketing.plugin_modules"),
    )
    manager = plugins.make_plugin_manager(enabled)
    declared = CORE_SETTINGS + [s for group in manager.hook.ticketing_settings() for s in group]
    settings = parse_settings(settings, declared)

    config = Configurator(settings=settings)
    config.registry.hook = manager.hook
    config.registry.plugin_names = list(enabled)
    config.include("cornice")
    config.include("cornice_swagger")  # operation_id, tags, response_schemas on views
    config.include(".api")  # produces on views
    config.include(".plugins")  # request.hook
    config.include(".db")  # engine, request.dbsession, pyramid_tm, pyramid_retry
    config.include(".i18n")  # locale negotiation, catalogs, Content-Language
    config.include(".tweens")  # request id, body limit, CORS, security headers
    config.include(".security")  # bearer tokens, role permissions
    config.include(".storage")  # generated files
    config.include(".tasks")  # Celery from the same settings
    config.include(".mail")  # outbox, SMTP, periodic re-sends
    config.scan(".errors")  # the JSON error envelope for every failure
    config.include(".views")  # health, OpenAPI, Swagger UI
    config.include(".accounts")  # registration, login, 2FA, users admin
    manager.hook.ticketing_configure(config=config)
    return config


def main(global_config, **settings):
    return make_config(settings).make_wsgi_app()
