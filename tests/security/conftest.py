"""Fixtures of the security and reliability suites: the whole app with one user of each
role, a product and a ticket whose files are stored, arranged directly in the database
so that the suites test the API's answers, not the arrangement."""
import uuid
from dataclasses import dataclass

import pytest

from ticketing.db import utcnow
from tests.conftest import PASSWORD
from tests.plugins.catalog.factories import create_product

ROLES = ("anonymous", "customer", "other", "employee", "admin")


@dataclass
class World:
    users: dict
    headers: dict  # role -> request headers (bearer token; none for anonymous)
    product: object
    ticket: object

    @property
    def values(self):
        """Values that the paths and bodies of the suites name."""
        return {
            "customer_id": self.users["customer"].id,
            "customer_email": self.users["customer"].email,
            "product_id": self.product.id,
            "ticket_id": self.ticket.id,
            "token": str(self.ticket.token),
            "pdf": self.ticket.pdf_name,
            "qr": self.ticket.qr_name,
            "password": PASSWORD,
            "fresh": uuid.uuid4().hex[:12],
        }


def add_ticket(db, registry, user, product, **columns):
    """A ticket row of ``user``, of a paid free payment, with a stored PDF and QR file
    (bytes are placeholders: these suites test access, the tickets suite tests the
    files and the paid pipeline)."""
    from ticketing_payments.models import Payment
    from ticketing_tickets.models import Ticket

    payment = Payment(user_id=user.id, status="paid", provider="free", amount=0,
                      currency="EUR", locale="en", stock_held=True, paid_at=utcnow(),
                      fulfilled_at=utcnow())
    db.add(payment)
    db.flush()
    storage = registry["storage"]
    values = {
        "token": uuid.uuid4(), "status": "issued", "user_id": user.id,
        "payment_id": payment.id, "payment_uuid": payment.uuid, "product_id": product.id,
        "number": 1, "locale": "en", "holder": user.name, "event_names": {"en": "Concert"},
        "starts_at": product.starts_at, "timezone": "UTC", "venue": product.venue,
        "pdf_name": storage.save(b"%PDF-1.4 placeholder", "pdf"),
        "qr_name": storage.save(b"\x89PNG placeholder", "png"),
        **columns,
    }
    ticket = Ticket(**values)
    db.add(ticket)
    db.commit()
    return ticket


@pytest.fixture
def make_world(db, registry):
    """``make_world()`` → a new :class:`World`: its own users, product and ticket, written
    in one transaction (the matrix builds hundreds)."""
    from ticketing.models import User
    from ticketing.passwords import hash_password
    from ticketing.security import issue_token, token_lifetime

    password_hash = hash_password(registry, PASSWORD)
    lifetime = token_lifetime(registry.settings, False)

    def factory():
        tag = uuid.uuid4().hex[:8]
        users = {}
        for role, roles in (("customer", ["customer"]), ("other", ["customer"]),
                            ("employee", ["employee"]), ("admin", ["admin"])):
            users[role] = User(email=f"{role}-{tag}@example.com", password_hash=password_hash,
                               first_name="Alex", last_name=role.title(),
                               email_verified_at=utcnow())
            users[role].roles = roles
            db.add(users[role])
        db.flush()
        headers = {"anonymous": {}, **{
            role: {"Authorization": f"Bearer {issue_token(db, user, lifetime)}"}
            for role, user in users.items()}}
        db.commit()
        product = create_product(db, stock_quantity=5)
        ticket = add_ticket(db, registry, users["customer"], product)
        return World(users, headers, product, ticket)

    return factory


@pytest.fixture
def world(make_world):
    return make_world()
