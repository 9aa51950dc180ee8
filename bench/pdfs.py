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


def main(ini_path):
    from pyramid.paster import get_app

    registry = get_app(ini_path).registry
    print(json.dumps(ticket_figures(registry)))


if __name__ == "__main__":
    main(sys.argv[1])
