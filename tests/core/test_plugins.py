"""The plugin system: discovery, allow-list, requirements, contributions."""
import pytest
from pyramid.exceptions import ConfigurationError

from tests.core import sample_plugin
from ticketing import make_config
from ticketing.plugins import installed


def route_paths(testapp):
    routes = testapp.app.registry.introspector.get_category("routes")
    return {entry["introspectable"]["pattern"] for entry in routes}


def test_every_shipped_plugin_is_installed():
    assert {"catalog", "cart", "payments", "invoicing", "tickets", "scanning"} <= set(installed())


def test_a_disabled_plugin_adds_no_route_and_the_app_runs(make_app, sample_app):
    without = make_app(plugins=())
    assert "/api/sample/echo" in route_paths(sample_app)
    assert not any(path.startswith("/api/sample") for path in route_paths(without))
    without.get("/api/sample/echo", status=404)
    assert "/api/sample/echo" not in without.get("/api/openapi.json").json["paths"]
    assert without.get("/api/health").json["status"] == "ok"


def test_a_shipped_plugin_left_out_adds_no_route(make_app, app):
    only_catalog = make_app(plugins=("catalog",))
    assert "/api/products" in route_paths(only_catalog)
    assert "/api/cart" in route_paths(app)
    assert not any(path.startswith("/api/cart") for path in route_paths(only_catalog))
    only_catalog.get("/api/cart", status=404)
    only_catalog.get("/api/products", status=200)


def test_a_plugin_from_the_tests_adds_an_endpoint_and_hears_domain_events(sample_app,
                                                                           make_user):
    assert "/api/sample/echo" in route_paths(sample_app)
    user = make_user(email="hook@example.com")
    sample_plugin.logins.clear()
    sample_app.app.registry.hook.ticketing_user_logged_in(request=None, user=user,
                                                          guest_cart_id="g-1")
    assert sample_plugin.logins == [("hook@example.com", "g-1")]


def test_the_sample_plugin_is_documented_in_openapi(sample_app):
    spec = sample_app.get("/api/openapi.json").json
    assert "post" in spec["paths"]["/api/sample/echo"]


def test_unknown_plugin_stops_startup_naming_it(app_settings):
    with pytest.raises(ConfigurationError) as error:
        make_config({**app_settings, "ticketing.plugins": "catalog nosuch"})
    assert "'nosuch'" in str(error.value) and "catalog" in str(error.value)


def test_unmet_requirement_stops_startup_naming_both(app_settings):
    with pytest.raises(ConfigurationError) as error:
        make_config({**app_settings, "ticketing.plugins": "cart"})
    assert "'cart' requires plugin 'catalog'" in str(error.value)


def test_plugin_settings_are_parsed_at_startup(app_settings):
    with pytest.raises(ConfigurationError) as error:
        make_config({**app_settings, "ticketing.plugins": "sample",
                     "ticketing.plugin_modules": {"sample": sample_plugin},
                     "ticketing.sample.limit": "-2"})
    assert "ticketing.sample.limit" in str(error.value)
