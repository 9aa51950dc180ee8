"""Many buyers, few units, on PostgreSQL: never more payments than stock."""
import threading

import pytest
import requests

from tests.plugins.catalog.factories import create_product
from tests.support.localstripe import confirm_as_customer

from .helpers import fill_cart, listen, stock, wait_for_status

BUYERS, UNITS = 8, 3


@pytest.mark.postgresql
def test_concurrent_buyers_never_oversell(app, db, auth, make_user, localstripe, live_server):
    listen(localstripe, live_server)
    product = create_product(db, price=2000, stock_quantity=UNITS)
    buyers = [auth(make_user()) for _ in range(BUYERS)]
    for headers in buyers:
        fill_cart(app, headers, product, 1)
    barrier = threading.Barrier(BUYERS)
    answers = []

    def buy(headers):
        barrier.wait()
        response = requests.post(live_server.url + "/api/payments", headers=headers, timeout=60)
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=buy, args=(headers,)) for headers in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    created = [body for status, body in answers if status == 201]
    refused = [body for status, body in answers if status != 201]
    assert len(created) == UNITS
    assert {body["code"] for body in refused} == {"insufficient_stock"}
    assert stock(db, product) == 0
    for body in created:
        confirm_as_customer(localstripe, body["client_secret"])
    assert [wait_for_status(db, body["uuid"], {"paid"}) for body in created] == ["paid"] * UNITS
    assert stock(db, product) == 0
