"""Alembic configured from the application's settings: the core's versions live in
``alembic/versions`` (branch ``core``), each enabled plugin's in the folder its
``ticketing_migrations`` hook names (a branch labelled with the plugin's name)."""
from pathlib import Path

from alembic.config import Config
from pyramid.path import AssetResolver

from . import plugins
from .settings import as_list

ROOT = Path(__file__).resolve().parent.parent
CORE_TABLES = ("user", "user_role", "auth_token", "mail_outbox", "account_", "throttle")


def enabled_modules(settings):
    return plugins.resolve(as_list(settings.get("ticketing.plugins", "")),
                           extra=settings.get("ticketing.plugin_modules"))


def version_locations(settings):
    """``{branch: folder}`` for the core and every enabled plugin with tables."""
    manager = plugins.make_plugin_manager(enabled_modules(settings))
    locations = {"core": str(ROOT / "alembic" / "versions")}
    resolver = AssetResolver()
    for name, module in manager.list_name_plugin():
        spec = module.ticketing_migrations() if hasattr(module, "ticketing_migrations") else None
        if spec:
            locations[name] = resolver.resolve(spec).abspath()
    return locations


def alembic_config(settings):
    config = Config()
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("path_separator", "os")
    locations = version_locations(settings)
    config.set_main_option("version_locations", " ".join(locations.values()).replace(" ", ":"))
    config.attributes["settings"] = settings
    config.attributes["locations"] = locations
    return config
