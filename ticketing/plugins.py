"""Plugin discovery: entry points of the group ``ticketing.plugins``, filtered by the
operator's allow-list (``ticketing.plugins`` in the ini file).

A plugin is a module holding hook implementations and, optionally, ``requires``: the
names of the plugins it needs. Unknown names and unmet requirements stop startup.
"""
from importlib.metadata import entry_points

import pluggy
from pyramid.exceptions import ConfigurationError

from . import hookspecs

ENTRY_POINT_GROUP = "ticketing.plugins"


def installed():
    """Return ``{name: entry_point}`` for every installed plugin."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def resolve(names, extra=None):
    """Import the enabled plugins; ``extra`` maps names to modules not installed as
    distributions (plugins defined by an embedding application or a test)."""
    available = installed()
    extra = dict(extra or {})
    modules = {}
    for name in names:
        if name in extra:
            modules[name] = extra[name]
        elif name in available:
            modules[name] = available[name].load()
        else:
            known = ", ".join(sorted(set(available) | set(extra))) or "none"
            raise ConfigurationError(
                f"Unknown plugin {name!r} in ticketing.plugins; installed plugins: {known}"
            )
    for name, module in modules.items():
        for required in getattr(module, "requires", ()):
            if required not in modules:
                raise ConfigurationError(
                    f"Plugin {name!r} requires plugin {required!r}, which is not enabled"
                )
    return modules


def make_plugin_manager(modules):
    manager = pluggy.PluginManager("ticketing")
    manager.add_hookspecs(hookspecs)
    for name, module in modules.items():
        manager.register(module, name=name)
    manager.check_pending()
    return manager


def includeme(config):
    """Expose the hooks as ``request.hook`` (and ``registry.hook`` outside requests)."""
    config.add_request_method(lambda request: request.registry.hook, "hook", reify=True)
