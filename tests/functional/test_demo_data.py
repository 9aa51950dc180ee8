"""The development demo data (``make run``): verified accounts of each role and concerts
in three languages, added once however often the server starts."""
from datetime import datetime, timezone

from scripts.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


def test_demo_data_is_loaded_once(app, demo_data):
    demo_data()
    demo_data()

    for email, role, _, _ in DEMO_ACCOUNTS:
        login = app.post_json("/api/auth/login", {"email": email, "password": DEMO_PASSWORD})
        assert login.json["user"]["roles"] == [role]
        assert login.json["user"]["email_verified_at"] is not None

    english = app.get("/api/products", headers={"Accept-Language": "en"}).json
    german = app.get("/api/products", headers={"Accept-Language": "de"}).json
    french = app.get("/api/products", headers={"Accept-Language": "fr"}).json
    assert english["meta"]["total"] == 4
    for products in zip(english["data"], german["data"], french["data"]):
        assert len({product["name"] for product in products}) == 3  # translated
        assert products[0]["stock_quantity"] > 0 and products[0]["venue"]
        assert datetime.fromisoformat(products[0]["starts_at"]) > datetime.now(timezone.utc)
