"""Fixtures of the tickets and scanning tests: a concert in the catalogue and
``issue(user, quantity, locale)``, which buys tickets through the real pipeline (cart,
checkout, localstripe, Stripe's signed event, the fulfilment task)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ticketing.tasks import task_request
from ticketing_payments.models import Payment
from tests.plugins.catalog.factories import create_product
from tests.plugins.payments.helpers import pay

CONCERT_NAMES = {"en": "Spring Concert", "de": "Frühlingskonzert", "fr": "Concert de printemps"}


@pytest.fixture
def concert(db):
    """Saturday 16 March 2030, 20:00 in Berlin; 25.00, 100 in stock."""
    return create_product(db, names=CONCERT_NAMES, price=2500, stock_quantity=100,
                          starts_at=datetime(2030, 3, 16, 19, 0, tzinfo=timezone.utc),
                          venue="Stadthalle Bonn", timezone="Europe/Berlin")


@pytest.fixture
def issue(app, auth, localstripe, concert):
    """``issue(user, quantity=1, locale="en")`` → the uuid of a paid payment of
    ``quantity`` concert tickets, bought in ``locale``; its tickets exist."""

    def buy(user, quantity=1, locale="en"):
        headers = auth(user, **{"Accept-Language": locale})
        return pay(app, localstripe, headers, concert, quantity)["uuid"]

    return buy


def paid_again(payment_uuid):
    """Fire ``ticketing_payment_paid`` once more for a payment (a retried task); the
    ticket attachments the tickets plugin returns."""
    with task_request() as request:
        payment = request.dbsession.execute(
            select(Payment).where(Payment.uuid == payment_uuid)).scalar_one()
        results = request.hook.ticketing_payment_paid(request=request, payment=payment)
    return [attachment for result in results for attachment in result or ()
            if attachment.filename.startswith("ticket-")]
