"""Fixtures shared by the tickets and scanning tests: an app whose `payments` plugin is
a stand-in (answers `ticketing_product`, fakes paid payments), and `issue(...)`, which runs
the real "payment paid" pipeline of the tickets plugin in a task."""
import subprocess
import uuid
from datetime import datetime, timezone
from itertools import count
from types import SimpleNamespace

import pytest

from ticketing import hookimpl
from ticketing.interfaces import ProductInfo
from ticketing.tasks import task_request
from tests.support.services import require_tool

CONCERT = ProductInfo(
    id=7, name="Spring Concert", unit_price=2500, stock=100, category="concert",
    starts_at=datetime(2026, 3, 14, 19, 0, tzinfo=timezone.utc),  # 20:00 in Berlin
    venue="Stadthalle Bonn", timezone="Europe/Berlin",
    names={"en": "Spring Concert", "de": "Frühlingskonzert", "fr": "Concert de printemps"},
)


class StandInPayments:
    """Plays the payments plugin (and the catalog behind it) for these tests."""

    requires = ()

    def __init__(self):
        self.ids = count(1)
        self.scanned = []

    def payment(self, user, quantity, locale, product=CONCERT):
        line = SimpleNamespace(product_id=product.id, name=product.name, quantity=quantity,
                               unit_price=0, line_total=0)
        return SimpleNamespace(id=next(self.ids), uuid=str(uuid.uuid4()), user=user,
                               user_id=user.id, status="paid", locale=locale, lines=[line])

    @hookimpl
    def ticketing_product(self, request, product_id):
        return CONCERT if product_id == CONCERT.id else None

    @hookimpl
    def ticketing_complimentary_payment(self, request, user, product_id, quantity, locale):
        payment = self.payment(user, quantity, locale)
        request.hook.ticketing_payment_paid(request=request, payment=payment)
        return payment

    @hookimpl
    def ticketing_ticket_scanned(self, request, ticket, scan):
        self.scanned.append((ticket.token, scan.scanned_by_id))


STAND_IN = StandInPayments()


@pytest.fixture
def tickets_app(make_app):
    STAND_IN.scanned.clear()
    return make_app(plugins=("payments", "tickets", "scanning"),
                    plugin_modules={"payments": STAND_IN})


@pytest.fixture
def app(tickets_app):
    """The app every core fixture (make_user, auth, registry, live_server) uses."""
    return tickets_app


@pytest.fixture
def issue(tickets_app):
    """``issue(user, quantity=1, locale="en")`` → (payment, attachments) after running
    the paid pipeline once."""

    def run(user, quantity=1, locale="en", payment=None):
        payment = payment or STAND_IN.payment(user, quantity, locale)
        with task_request() as request:
            results = request.hook.ticketing_payment_paid(request=request, payment=payment)
        return payment, [attachment for result in results for attachment in result]

    return run


def pdf_text(data, tmp_path):
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    return subprocess.run([require_tool("pdftotext"), "-layout", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


def qr_text(data, tmp_path):
    path = tmp_path / f"{uuid.uuid4().hex}.png"
    path.write_bytes(data)
    return subprocess.run([require_tool("zbarimg"), "-q", "--raw", str(path)],
                          check=True, capture_output=True, text=True).stdout.strip()
