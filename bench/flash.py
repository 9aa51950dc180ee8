"""The flash sale: every flash buyer (one unit of the flash product in the cart) checks
out at the same instant; the stock must end at zero with exactly as many payments holding
units as there were units, and no 5xx. Payment creation calls localstripe."""
import http.client
import json
import statistics
import threading
import time

import psycopg


def checkout(port, token):
    """``(status, body)`` of ``POST /api/payments`` as the customer of ``token``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/payments", headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def timed_checkout(port, token, start, results):
    start.wait()
    began = time.perf_counter()
    try:
        status, _body = checkout(port, token)
    except OSError:
        status = 0  # no answer
    results.append((status, (time.perf_counter() - began) * 1000))


def run(port, tokens, conninfo, product_id):
    start, results = threading.Barrier(len(tokens)), []
    threads = [threading.Thread(target=timed_checkout, args=(port, token, start, results))
               for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with psycopg.connect(conninfo) as connection:
        stock = connection.execute("SELECT stock_quantity FROM catalog_product WHERE id = %s",
                                   (product_id,)).fetchone()[0]
        held = connection.execute(
            "SELECT coalesce(sum(l.quantity), 0) FROM payments_line l JOIN payments_payment p"
            " ON p.id = l.payment_id WHERE l.product_id = %s AND p.stock_held",
            (product_id,)).fetchone()[0]
    latencies = sorted(ms for _status, ms in results)
    statuses = {}
    for status, _ms in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "buyers": len(tokens), "statuses": statuses, "units_held": held,
        "stock_left": stock, "server_errors": sum(n for s, n in statuses.items()
                                                 if s >= 500 or s == 0),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
    }
