"""Fixtures of the security and reliability suites: the whole app with one user of each
role, a product, and the customer's paid payment with its invoice and ticket (files
stored), arranged directly in the database so that the suites test the API's answers,
not the arrangement."""
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from ticketing.db import utcnow
from tests.conftest import PASSWORD
from tests.plugins.catalog.factories import create_product

ROLES = ("anonymous", "customer", "other", "employee", "admin")


@dataclass
class World:
    users: dict
    headers: dict  # role -> request headers (bearer token; none for anonymous)
    product: object
    payment: object
    invoice: object
    ticket: object

    @property
    def values(self):
        """Values that the paths and bodies of the suites name."""
        return {
            "customer_id": self.users["customer"].id,
            "customer_email": self.users["customer"].email,
            "product_id": self.product.id,
            "payment_uuid": self.payment.uuid,
            "invoice": self.invoice.filename,
            "ticket_id": self.ticket.id,
            "token": str(self.ticket.token),
            "pdf": self.ticket.pdf_name,
            "qr": self.ticket.qr_name,
            "password": PASSWORD,
            "fresh": uuid.uuid4().hex[:12],
        }


def add_paid_payment(db, registry, user, product, quantity=1, provider="stripe"):
    """A paid payment of ``user`` for ``quantity`` units of ``product`` (stock taken),
    fulfilled: with its invoice row and a stored PDF. A card payment's intent id is made
    up: the suites refund it only beyond what remains, which is refused before Stripe."""
    from ticketing_invoicing.models import Invoice
    from ticketing_payments.models import Payment, PaymentLine

    price = product.final_price if provider == "stripe" else 0
    total = price * quantity
    payment = Payment(
        user_id=user.id, status="paid", provider=provider, amount=total, currency="EUR",
        locale="en", stock_held=True, paid_at=utcnow(), fulfilled_at=utcnow(),
        intent_id=f"pi_arranged_{uuid.uuid4().hex}" if provider == "stripe" else None,
        lines=[PaymentLine(product_id=product.id, name="Concert", quantity=quantity,
                           list_price=max(product.price, price), unit_price=price,
                           line_total=total)])
    product.stock_quantity -= quantity
    db.add(payment)
    db.flush()
    invoice = Invoice(number=f"2030-{payment.id:06d}", payment_id=payment.id,
                      payment_uuid=payment.uuid, user_id=user.id, total=total,
                      currency="EUR", filename=registry["storage"].save(
                          b"%PDF-1.4 placeholder", "pdf"))
    db.add(invoice)
    db.commit()
    return payment, invoice


def add_ticket(db, registry, user, product, payment=None, **columns):
    """A ticket row of ``user``, of ``payment`` (else of a paid free payment of its own),
    with a stored PDF and QR file (bytes are placeholders: these suites test access,
    the tickets suite tests the files and the paid pipeline)."""
    from ticketing_tickets.models import Ticket

    if payment is None:
        payment, _invoice = add_paid_payment(db, registry, user, product, provider="free")
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
    """``make_world()`` → a new :class:`World`: its own users, product, payment, invoice
    and ticket (the matrix builds hundreds)."""
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
        payment, invoice = add_paid_payment(db, registry, users["customer"], product)
        ticket = add_ticket(db, registry, users["customer"], product, payment)
        return World(users, headers, product, payment, invoice, ticket)

    return factory


@pytest.fixture
def world(make_world):
    return make_world()


SALES_INVARIANTS = {  # name -> SQL counting the rows that break it
    "payments refunded beyond what was paid, or not by their refunds":
        "SELECT count(*) FROM payments_payment p WHERE refunded_amount > amount OR "
        "refunded_amount <> (SELECT coalesce(sum(r.amount), 0) FROM payments_refund r "
        "WHERE r.payment_id = p.id AND r.status = 'succeeded')",
    "refunds left pending": "SELECT count(*) FROM payments_refund WHERE status = 'pending'",
    "payments without one invoice if fulfilled, none otherwise":
        "SELECT count(*) FROM payments_payment p WHERE (SELECT count(*) FROM invoicing_invoice "
        "i WHERE i.payment_id = p.id) <> CASE WHEN p.fulfilled_at IS NULL THEN 0 ELSE 1 END",
    "payments without one ticket per unit if fulfilled, none otherwise":
        "SELECT count(*) FROM payments_payment p WHERE (SELECT count(*) FROM tickets_ticket t "
        "WHERE t.payment_id = p.id) <> CASE WHEN p.fulfilled_at IS NULL THEN 0 ELSE (SELECT "
        "sum(l.quantity) FROM payments_line l WHERE l.payment_id = p.id) END",
}


def sales_invariant_violations(connection, initial_stock):
    """``{invariant: rows breaking it}`` after a race, a fault or a soak: each product's
    stock is its initial stock minus the units of the payments holding stock (never
    negative); refunds stay within payments; each fulfilled sale has one invoice and
    one ticket per unit, and nothing else has any."""
    held = dict(connection.execute(sa.text(
        "SELECT l.product_id, sum(l.quantity) FROM payments_line l JOIN payments_payment p "
        "ON p.id = l.payment_id WHERE p.stock_held GROUP BY l.product_id")).all())
    stock = dict(connection.execute(
        sa.text("SELECT id, stock_quantity FROM catalog_product")).all())
    violations = {"products whose stock is not the initial stock minus the units sold": sum(
        stock[product_id] != initial - held.get(product_id, 0) or stock[product_id] < 0
        for product_id, initial in initial_stock.items())}
    for name, sql in SALES_INVARIANTS.items():
        violations[name] = connection.execute(sa.text(sql)).scalar()
    return violations


def assert_sales_invariants(db, initial_stock):
    violations = sales_invariant_violations(db, initial_stock)
    db.rollback()
    assert {name: count for name, count in violations.items() if count} == {}
