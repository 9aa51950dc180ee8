"""PDF rendering times in one process, as a worker renders them: the median of 50
renders after one warm-up render (reported apart as the cold time). Prints JSON."""
import json
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

RENDERS = 50


def timed(function, count):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def figures(function):
    cold = timed(function, 1)[0]
    times = timed(function, RENDERS)
    return {"cold_ms": round(cold, 1), "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(sorted(times)[int(RENDERS * 0.9)], 1), "renders": RENDERS}


def ticket_figures(registry):
    from ticketing_tickets.models import Ticket
    from ticketing_tickets.services import qr_png, ticket_pdf

    ticket = Ticket(
        token=uuid.uuid4(), locale="de", holder="Alex Buyer",
        event_names={"en": "Summer Gala 12", "de": "Sommer Gala 12", "fr": "Gala d'été 12"},
        starts_at=datetime.now(timezone.utc) + timedelta(days=30), timezone="Europe/Berlin",
        venue="Stadthalle Köln",
    )
    qr = qr_png(str(ticket.token))
    return {"ticket_pdf": figures(lambda: ticket_pdf(registry, ticket, qr)),
            "qr_png": figures(lambda: qr_png(str(uuid.uuid4())))}


def invoice_figures(registry):
    """A paid payment of 5 lines, as the fulfilment task renders its invoice (the PDF
    is written to the storage folder too)."""
    from pyramid.scripting import prepare

    from ticketing.models import User
    from ticketing_invoicing.models import Invoice
    from ticketing_invoicing.services import render_invoice
    from ticketing_payments.models import Payment, PaymentLine

    lines = [PaymentLine(product_id=n, name=f"Sommer Gala {n}", quantity=n, list_price=4500,
                         unit_price=4050, line_total=4050 * n) for n in range(1, 6)]
    buyer = User(email="buyer@bench.example", first_name="Alex", last_name="Buyer")
    payment = Payment(uuid=str(uuid.uuid4()), user=buyer, status="paid", currency="EUR",
                      locale="de", amount=sum(line.line_total for line in lines),
                      refunded_amount=0, lines=lines, paid_at=datetime.now(timezone.utc))
    invoice = Invoice(number="2026-000001", payment_uuid=payment.uuid, total=payment.amount,
                      refunded_amount=0, currency="EUR", created_at=datetime.now(timezone.utc))
    request = prepare(registry=registry)["request"]
    return {"invoice_pdf": figures(lambda: render_invoice(request, invoice, payment))}


def main(ini_path):
    from pyramid.paster import get_app

    registry = get_app(ini_path).registry
    print(json.dumps({**ticket_figures(registry), **invoice_figures(registry)}))


if __name__ == "__main__":
    main(sys.argv[1])
