"""Catalogue endpoints in every role and locale."""
import pytest
from sqlalchemy import event, func, select

from ticketing_catalog.models import Product

from .factories import create_product

ROLES = {"customer": ("customer",), "employee": ("customer", "employee"),
         "admin": ("customer", "admin")}


def payload(**overrides):
    body = {
        "category": "concert",
        "translations": {
            "en": {"name": "Summer Night", "description": "Open air concert."},
            "de": {"name": "Sommernacht", "description": "Konzert unter freiem Himmel."},
            "fr": {"name": "Nuit d'été", "description": "Concert en plein air."},
        },
        "price": "25.00",
        "sale": "0.10",
        "stock_quantity": 50,
        "images": ["https://cdn.example.com/a.jpg"],
        "starts_at": "2030-07-01T20:00:00+02:00",
        "venue": "Stadtpark",
    }
    body.update(overrides)
    return body


@pytest.fixture
def headers_for(make_user, auth):
    """``headers_for(role)`` → request headers of a fresh user in that role (or none)."""
    def build(role, **extra):
        if role == "anonymous":
            return dict(extra)
        return auth(make_user(roles=ROLES[role]), **extra)
    return build


@pytest.fixture
def admin(headers_for):
    return headers_for("admin")


# -- public list and detail ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "customer", "employee", "admin"])
def test_everyone_lists_active_products_only(app, db, headers_for, role):
    shown = create_product(db, names={"en": "Jazz", "de": "Jazz DE", "fr": "Jazz FR"})
    create_product(db, is_active=False)
    body = app.get("/api/products", headers=headers_for(role)).json
    assert [p["id"] for p in body["data"]] == [shown.id]
    assert body["meta"] == {"page": 1, "per_page": 20, "total": 1, "last_page": 1}
    assert "translations" not in body["data"][0]


@pytest.mark.parametrize("locale, name", [("de", "Galaabend"), ("fr", "Soirée de gala"),
                                          ("en", "Gala"), ("es", "Gala"),
                                          ("de-CH;q=0.9, fr;q=0.8", "Galaabend")])
def test_detail_is_in_the_request_locale(app, db, locale, name):
    product = create_product(db, names={"en": "Gala", "de": "Galaabend", "fr": "Soirée de gala"},
                             price=1999, sale="0.25", stock_quantity=4,
                             images=["https://cdn.example.com/x.png"])
    response = app.get(f"/api/products/{product.id}", headers={"Accept-Language": locale})
    assert response.json["data"] == {
        "id": product.id, "category": "concert", "name": name,
        "description": f"About {name}", "price": "19.99", "sale": "0.25",
        "final_price": "14.99", "currency": "EUR", "stock_quantity": 4,
        "images": ["https://cdn.example.com/x.png"], "is_active": True,
        "starts_at": "2030-06-01T18:00:00+00:00", "venue": "Stadthalle",
        "timezone": "Europe/Berlin",
    }
    assert response.headers["Content-Language"] == {"es": "en"}.get(locale, locale)[:2]


def test_inactive_and_unknown_products_are_not_found(app, db):
    hidden = create_product(db, is_active=False)
    for path in (f"/api/products/{hidden.id}", "/api/products/987654", "/api/products/abc"):
        response = app.get(path, headers={"Accept-Language": "de"}, status=404)
        assert response.json["code"] in ("product_not_found", "not_found")
        assert response.headers["Content-Language"] == "de"
    response = app.get(f"/api/products/{hidden.id}", headers={"Accept-Language": "fr"},
                       status=404)
    assert response.json == {"message": "Ce produit n'existe pas.", "code": "product_not_found"}


def test_filters(app, db):
    rock = create_product(db, category="rock", price=1000, stock_quantity=0,
                          names={"en": "Rock Night", "de": "Rocknacht", "fr": "Nuit rock"})
    jazz = create_product(db, category="jazz", price=3000, sale="0.5",
                          names={"en": "Jazz Brunch", "de": "Jazzfrühstück", "fr": "Brunch jazz"})
    opera = create_product(db, category="opera", price=9000,
                           names={"en": "Tosca", "de": "Tosca", "fr": "Tosca"})

    def ids(query, **headers):
        return [p["id"] for p in app.get("/api/products?" + query, headers=headers).json["data"]]

    assert ids("category=jazz") == [jazz.id]
    assert ids("search=ROCK") == [rock.id]
    assert ids("search=fr%C3%BChst%C3%BCck") == [jazz.id]  # a name in another locale matches too
    assert ids("search=%25") == []  # LIKE wildcards are taken literally
    assert ids("min_price=15&max_price=15.00") == [jazz.id]  # the final price counts
    assert ids("in_stock=true&sort=price") == [jazz.id, opera.id]
    assert ids("in_stock=false") == [rock.id]
    assert ids("sort=price&direction=desc") == [opera.id, jazz.id, rock.id]
    assert ids("sort=name") == [jazz.id, rock.id, opera.id]
    assert ids("sort=name", **{"Accept-Language": "fr"}) == [jazz.id, rock.id, opera.id]
    assert ids("sort=name", **{"Accept-Language": "de"}) == [jazz.id, rock.id, opera.id]


def test_sort_by_date_and_pagination(app, db):
    from datetime import datetime, timedelta, timezone

    start = datetime(2030, 1, 1, tzinfo=timezone.utc)
    made = [create_product(db, starts_at=start + timedelta(days=10 - n)) for n in range(5)]
    body = app.get("/api/products?per_page=2&page=2").json
    assert [p["id"] for p in body["data"]] == [made[2].id, made[1].id]
    assert body["meta"] == {"page": 2, "per_page": 2, "total": 5, "last_page": 3}
    body = app.get("/api/products?sort=date&direction=desc&per_page=2").json
    assert [p["id"] for p in body["data"]] == [made[0].id, made[1].id]


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("per_page=101", "per_page"), ("page=x", "page"),
    ("sort=popularity", "sort"), ("direction=up", "direction"), ("min_price=1.234", "min_price"),
    ("in_stock=maybe", "in_stock"),
])
def test_bad_list_parameters_are_422(app, query, field):
    response = app.get("/api/products?" + query, headers={"Accept-Language": "de"}, status=422)
    assert response.json["code"] == "validation_failed"
    assert list(response.json["errors"]) == [field]


def test_a_page_of_20_costs_a_constant_number_of_statements(app, db):
    engine = app.app.registry["db_engine"]
    statements = []

    def count(*args):
        statements.append(args[2])

    def statements_for_page():
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert len(app.get("/api/products?per_page=20").json["data"]) == len(made)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    made = [create_product(db)]
    one = statements_for_page()
    made += [create_product(db) for _ in range(19)]
    assert statements_for_page() == one == 2  # count, page (texts joined in)


# -- admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("anonymous", 401), ("customer", 403),
                                          ("employee", 403)])
def test_admin_endpoints_refuse_others(app, db, headers_for, role, status):
    product = create_product(db)
    headers = headers_for(role, **{"Accept-Language": "de"})
    calls = [
        app.get("/api/products/all", headers=headers, status=status),
        app.post_json("/api/products", payload(), headers=headers, status=status),
        app.put_json(f"/api/products/{product.id}", payload(), headers=headers, status=status),
        app.patch_json(f"/api/products/{product.id}/pricing", {"price": 1},
                       headers=headers, status=status),
    ]
    for response in calls:
        assert response.json["code"] in ("authentication_required", "forbidden")
        assert response.headers["Content-Language"] == "de"
    assert db.scalar(select(func.count()).select_from(Product)) == 1


def test_admin_creates_a_product_listed_in_each_locale(app, admin):
    created = app.post_json("/api/products", payload(), headers=admin, status=201).json["data"]
    assert created["translations"]["fr"] == {"name": "Nuit d'été",
                                             "description": "Concert en plein air."}
    assert (created["price"], created["sale"], created["final_price"]) == ("25.00", "0.10", "22.50")
    assert created["starts_at"] == "2030-07-01T18:00:00+00:00"
    assert created["timezone"] == "Europe/Berlin"  # the default setting

    german = app.get("/api/products", headers={"Accept-Language": "de"}).json["data"]
    assert [(p["name"], p["description"]) for p in german] == [
        ("Sommernacht", "Konzert unter freiem Himmel.")]
    unknown = app.get("/api/products", headers={"Accept-Language": "pt-BR"}).json["data"]
    assert unknown[0]["name"] == "Summer Night"


def test_admin_lists_every_product_with_translations(app, db, admin):
    active = create_product(db)
    hidden = create_product(db, is_active=False)
    body = app.get("/api/products/all", headers=admin).json
    assert [p["id"] for p in body["data"]] == [active.id, hidden.id]
    assert set(body["data"][0]["translations"]) == {"en", "de", "fr"}
    only_hidden = app.get("/api/products/all?is_active=false", headers=admin).json["data"]
    assert [p["id"] for p in only_hidden] == [hidden.id]


def test_missing_translations_are_named(app, admin, db):
    body = payload()
    del body["translations"]["de"]
    del body["translations"]["fr"]["description"]
    response = app.post_json("/api/products", body, status=422,
                             headers={**admin, "Accept-Language": "de"})
    errors = response.json["errors"]
    assert set(errors) == {"translations.de", "translations.fr.description"}
    assert errors["translations.de"] == ["Pflichtangabe"]  # colander's own message
    assert db.scalar(select(func.count()).select_from(Product)) == 0


@pytest.mark.parametrize("field, value", [
    ("price", 0), ("price", "-5"), ("price", "1.005"), ("price", "abc"), ("price", True),
    ("sale", 1), ("sale", "-0.1"), ("sale", "1.5"),
    ("stock_quantity", -1), ("stock_quantity", 1.5), ("stock_quantity", "many"),
    ("images", ["ftp://example.com/a.png"]), ("images", ["javascript:alert(1)"]),
    ("images", "https://example.com/a.png"),
    ("starts_at", "2030-07-01T20:00:00"), ("starts_at", "soon"), ("starts_at", None),
    ("timezone", "Mars/Olympus"), ("venue", ""), ("category", ""),
])
def test_invalid_fields_are_refused(app, admin, db, field, value):
    response = app.post_json("/api/products", payload(**{field: value}), headers=admin,
                             status=422)
    assert response.json["code"] == "validation_failed"
    assert [name.split(".")[0] for name in response.json["errors"]] == [field]
    assert db.scalar(select(func.count()).select_from(Product)) == 0


def test_unknown_fields_and_bad_json_are_refused(app, admin):
    response = app.post_json("/api/products", payload(colour="red"), headers=admin, status=422)
    assert response.json["code"] == "validation_failed"
    response = app.post("/api/products", "{nope", headers=admin,
                        content_type="application/json", status=400)
    assert response.json["code"] == "invalid_json"


def test_admin_replaces_a_product(app, db, admin):
    product = create_product(db)
    body = payload(is_active=False, timezone="America/New_York", stock_quantity=3)
    body["translations"]["de"]["name"] = "Neuer Name"
    replaced = app.put_json(f"/api/products/{product.id}", body, headers=admin).json["data"]
    assert replaced["is_active"] is False
    assert replaced["translations"]["de"]["name"] == "Neuer Name"
    assert (replaced["timezone"], replaced["stock_quantity"]) == ("America/New_York", 3)
    app.get(f"/api/products/{product.id}", status=404)  # now inactive
    app.put_json("/api/products/987654", body, headers=admin, status=404)
    response = app.put_json(f"/api/products/{product.id}", payload(price="1.999"),
                            headers=admin, status=422)
    assert list(response.json["errors"]) == ["price"]


def test_admin_changes_pricing(app, db, admin):
    product = create_product(db, price=2000)
    url = f"/api/products/{product.id}/pricing"
    data = app.patch_json(url, {"sale": "0.125"}, headers=admin).json["data"]
    assert (data["price"], data["sale"], data["final_price"]) == ("20.00", "0.125", "17.50")
    data = app.patch_json(url, {"price": 10.01}, headers=admin).json["data"]
    assert (data["price"], data["sale"], data["final_price"]) == ("10.01", "0.125", "8.76")
    data = app.patch_json(url, {"price": "30", "sale": 0}, headers=admin).json["data"]
    assert (data["price"], data["sale"], data["final_price"]) == ("30.00", "0.00", "30.00")
    for bad in ({}, {"sale": "0.99999"}, {"price": 0}, {"discount": 1}):
        app.patch_json(url, bad, headers=admin, status=422)
    app.patch_json("/api/products/987654/pricing", {"price": 1}, headers=admin, status=404)
    db.expire_all()
    assert db.get(Product, product.id).final_price == 3000
