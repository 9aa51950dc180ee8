"""The paid-order pipeline with one real Celery worker: the pipeline buyers check out
(``POST /api/payments``), localstripe confirms their PaymentIntents and sends the signed
``payment_intent.succeeded`` webhooks to the app, whose worker renders each order's
invoice and tickets (PDF, QR code) and mails them to the SMTP sink started here.

Measured from the first confirmation until the sink holds every order's e-mail: paid
orders and tickets per second, and the worker's and PostgreSQL's CPU per ticket."""
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

import procstat
from flash import checkout

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.localstripe import confirm_as_customer, register_webhook  # noqa: E402
from tests.support.services import Mailbox  # noqa: E402

WEBHOOK_ID = "bench-pipeline"
TIMEOUT = 600  # seconds for the worker to fulfil every order
CONFIRMERS = 4  # customers paying at once: confirmations never hold the worker back

#: every pipeline order: payments, their invoices, tickets and sent e-mails
FULFILMENT = """
SELECT count(*), count(p.fulfilled_at),
       (SELECT count(*) FROM invoicing_invoice i WHERE i.payment_id = ANY(%(ids)s)),
       (SELECT count(*) FROM tickets_ticket t WHERE t.payment_id = ANY(%(ids)s)),
       (SELECT coalesce(sum(l.quantity), 0) FROM payments_line l
         WHERE l.payment_id = ANY(%(ids)s)),
       (SELECT count(*) FROM mail_outbox m WHERE m.sent_at IS NOT NULL
         AND m.created_at >= %(since)s)
FROM payments_payment p WHERE p.id = ANY(%(ids)s)
"""


class Worker:
    """``celery worker`` on the bench's queue: one prefork child, as production runs it
    (prefork is Celery's default pool); its CPU is that of the master and the child."""

    def __init__(self, ini, queue, log_path):
        self.log_path = log_path
        command = [str(Path(sys.executable).parent / "celery"), "-A", "ticketing.worker",
                   "worker", "--pool", "prefork", "--concurrency", "1", "-Q", queue,
                   "--purge", "-n", "bench-pipeline@%h", "--without-heartbeat",
                   "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(command, env={**os.environ, "TICKETING_INI": str(ini)},
                                            stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the Celery worker exited; see {self.log_path}")
            if " ready." in Path(self.log_path).read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise SystemExit(f"the Celery worker did not start; see {self.log_path}")

    def cpu(self):
        return procstat.tree_cpu(self.process.pid)

    def errors(self):
        """Lines of the worker's log that tell of a failure (retries included)."""
        return [line for line in Path(self.log_path).read_text(errors="replace").splitlines()
                if "ERROR" in line or "Traceback" in line or "Retry in" in line]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def fulfilment(conninfo, payment_ids, since):
    with psycopg.connect(conninfo) as connection:
        row = connection.execute(FULFILMENT, {"ids": payment_ids, "since": since}).fetchone()
    keys = ("payments", "fulfilled", "invoices", "tickets", "units", "mails_sent")
    return dict(zip(keys, row))


def payment_ids(conninfo, uuids):
    with psycopg.connect(conninfo) as connection:
        return [row[0] for row in connection.execute(
            "SELECT id FROM payments_payment WHERE uuid = ANY(%s)", (uuids,))]


def check(state, mails, orders):
    """What went wrong: every order fulfilled once, one invoice each, one ticket per
    unit, one e-mail per order with its invoice and ticket PDFs."""
    errors = []
    if not state["payments"] == state["fulfilled"] == state["invoices"] == orders:
        errors.append(f"{orders} orders: {state['fulfilled']} fulfilled, "
                      f"{state['invoices']} invoices")
    if state["mails_sent"] != orders:
        errors.append(f"{state['mails_sent']} e-mails sent (outbox) for {orders} orders")
    if state["tickets"] != state["units"]:
        errors.append(f"{state['units']} units bought, {state['tickets']} tickets")
    recipients = [message["To"] for message in mails]
    if len(mails) != orders or len(set(recipients)) != orders:
        errors.append(f"{len(mails)} e-mails to {len(set(recipients))} buyers "
                      f"for {orders} orders")
    pdfs = sum(1 for message in mails for part in message.iter_attachments()
               if part.get_content_type() == "application/pdf")
    if pdfs != state["tickets"] + state["invoices"]:
        errors.append(f"{pdfs} PDFs attached for {state['tickets']} tickets and "
                      f"{state['invoices']} invoices")
    return errors


def run(settings, ini, port, tokens, log_path, conninfo, database):
    """Check out as every token's customer, pay every payment, and measure the worker
    until the sink received every order's e-mail."""
    stripe = settings["ticketing.stripe.api_base"]
    register_webhook(stripe, WEBHOOK_ID, f"http://127.0.0.1:{port}/api/payments/webhook",
                     settings["ticketing.stripe.webhook_secret"], ["payment_intent.succeeded"])
    mailbox = Mailbox()
    sink = Controller(mailbox, hostname=settings["mail.host"], port=settings["mail.port"])
    sink.start()
    worker = Worker(ini, settings["celery.queue"], log_path)
    try:
        with ThreadPoolExecutor(CONFIRMERS) as pool:
            answers = list(pool.map(lambda token: checkout(port, token), tokens))
            created = [body for status, body in answers if status == 201]
            ids = payment_ids(conninfo, [body["uuid"] for body in created])
            worker.wait_ready()
            with psycopg.connect(conninfo) as connection:
                since = connection.execute("SELECT now()").fetchone()[0]
            cpu_before, pg_before = worker.cpu(), procstat.postgres_cpu(database)
            started = time.monotonic()
            list(pool.map(lambda body: confirm_as_customer(stripe, body["client_secret"]),
                          created))
        try:
            mails = mailbox.wait_for(len(created), timeout=TIMEOUT)
            errors = []
        except AssertionError as error:
            mails, errors = list(mailbox.messages), [str(error)]
        seconds = time.monotonic() - started
        cpu = procstat.used(cpu_before, worker.cpu())
        pg = procstat.used(pg_before, procstat.postgres_cpu(database))
        state = fulfilment(conninfo, ids, since)
        errors += check(state, mails, len(created)) + worker.errors()
        if len(created) != len(tokens):
            errors.append(f"{len(tokens) - len(created)} checkouts refused: "
                          f"{sorted({status for status, _body in answers})}")
    finally:
        worker.stop()
        sink.stop()
    tickets = max(state["tickets"], 1)
    return {
        "orders": len(created), "tickets": state["tickets"],
        "seconds": round(seconds, 2),
        "orders_per_s": round(len(created) / seconds, 2),
        "tickets_per_s": round(state["tickets"] / seconds, 2),
        "worker_cpu_ms_per_ticket": round(cpu * 1000 / tickets, 1),
        "pg_cpu_ms_per_ticket": round(pg * 1000 / tickets, 1),
        "state": state, "e_mails": len(mails), "errors": errors,
    }
