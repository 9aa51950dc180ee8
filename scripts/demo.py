"""``make demo``: one purchase played against a running server, over HTTP only, in every
role: a guest fills a cart, registers, verifies the e-mail, logs in (the cart merges),
pays through Stripe (localstripe, confirming as the customer's browser would), downloads
invoice, tickets and QR code; an employee scans a ticket (twice: the second scan is
refused); an admin refunds part of the payment and reads the sales report.

    python -m scripts.demo http://127.0.0.1:6543

Prints each step and what it checked; exits 1 at the first surprise. The test suite
plays the same story (tests/functional/test_purchase_story.py) through :class:`Story`.
"""
import argparse
import email
import email.policy
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from scripts.demo_accounts import DEMO_PASSWORD
from tests.support.localstripe import confirm_as_customer

VERIFICATION_LINK = re.compile(r"https?://\S+/api/auth/email/\d+/[^\s\"<>]+")


class Surprise(Exception):
    """The server answered something the story does not expect."""


def check(condition, what):
    if not condition:
        raise Surprise(what)


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise Surprise(f"expected JSON, got {self.body[:200]!r}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # e-mail links answer 302: the story checks where they lead


class Client:
    """JSON over HTTP with urllib: one base URL, an optional bearer token."""

    opener = urllib.request.build_opener(_NoRedirect)

    def __init__(self, base_url, token=None):
        self.base_url = base_url.rstrip("/")
        self.token = token

    def call(self, method, path, body=None, expect=200, headers=None):
        request = urllib.request.Request(self.base_url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Accept-Language", "en")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with self.opener.open(request, timeout=60) as response:
                reply = Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, dict(error.headers), error.read())
        if reply.status != expect:
            raise Surprise(f"{method} {path}: expected {expect}, got {reply.status} "
                           f"{reply.body[:300]!r}")
        return reply

    def get_json(self, path, **kwargs):
        return self.call("GET", path, **kwargs).json

    def download(self, path, content_type, magic):
        reply = self.call("GET", path)
        check(reply.headers.get("Content-Type", "").startswith(content_type),
              f"{path} is {reply.headers.get('Content-Type')}, not {content_type}")
        check(reply.body.startswith(magic), f"{path} does not look like {content_type}")
        return reply.body


def verification_link(message):
    """The verification URL in an ``email.message.EmailMessage``'s text."""
    found = VERIFICATION_LINK.search(message.get_body(("plain",)).get_content())
    check(found, f"no verification link in the e-mail {message['Subject']!r}")
    return found.group(0)


def links_in_folder(folder, timeout=30.0):
    """``email -> link`` from the newest ``.eml`` file to that address in ``folder``
    (development: ``mail.folder``), waiting for it to be written."""
    def find(address):
        deadline = time.monotonic() + timeout
        while True:
            names = sorted(Path(folder).glob(f"*-{address}.eml"))
            if names:
                return verification_link(email.message_from_bytes(
                    names[-1].read_bytes(), policy=email.policy.default))
            check(time.monotonic() < deadline, f"no e-mail to {address} in {folder}")
            time.sleep(0.2)
    return find


def read_qr(png):
    """The text in a QR code image, read by zbarimg (zbar-tools), as a gate scanner would."""
    try:
        result = subprocess.run(["zbarimg", "--quiet", "--raw", "-"], input=png,
                                capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise Surprise(f"zbarimg could not read the QR code: {error}") from None
    return result.stdout.decode().strip()


@dataclass
class Story:
    """The purchase story. ``verification_link(email)`` returns the link of the newest
    e-mail to that address; ``staff`` maps ``employee`` and ``admin`` to credentials."""

    base_url: str
    stripe_url: str
    verification_link: Callable[[str], str]
    staff: dict = field(default_factory=lambda: {
        "employee": ("employee@example.com", DEMO_PASSWORD),
        "admin": ("admin@example.com", DEMO_PASSWORD)})
    say: Callable[[str], None] = print
    poll_seconds: float = 60.0
    # what the story learns on its way
    email: str = field(default_factory=lambda: f"buyer-{uuid.uuid4().hex[:8]}@example.com")
    password: str = "buyer-password-42"
    quantity: int = 2
    results: dict = field(default_factory=dict)

    def run(self):
        for step in (self.browse, self.fill_guest_cart, self.register, self.verify_email,
                     self.log_in, self.pay, self.download_documents, self.scan_ticket,
                     self.refund_part, self.sales_report):
            step()

    def client(self, token=None):
        return Client(self.base_url, token)

    def log_in_as(self, address, password, headers=None):
        body = self.client().call("POST", "/api/auth/login",
                                  {"email": address, "password": password},
                                  headers=headers).json
        check(body.get("token"), f"no token for {address}")
        return self.client(body["token"])

    # -- the steps --------------------------------------------------------------------

    def browse(self):
        products = self.client().get_json("/api/products?category=concert&in_stock=true")
        check(products["data"], "the catalogue has no concert in stock")
        product = next((p for p in products["data"] if p["stock_quantity"] >= self.quantity),
                       None)
        check(product, f"no concert has {self.quantity} tickets left")
        german = self.client().call("GET", f"/api/products/{product['id']}",
                                    headers={"Accept-Language": "de"})
        check(german.headers.get("Content-Language") == "de", "the product is not in German")
        self.results["product"] = product
        self.say(f"browse: {products['meta']['total']} concerts on sale; picked "
                 f"{product['name']!r} (German: {german.json['data']['name']!r}) "
                 f"at {product['final_price']} {product['currency']}")

    def fill_guest_cart(self):
        guest = self.client()
        cart_id = guest.get_json("/api/cart")["meta"]["guest_cart_id"]
        header = {"X-Guest-Cart-ID": cart_id}
        product = self.results["product"]
        guest.call("PATCH", f"/api/cart/item/{product['id']}", {"quantity": self.quantity},
                   headers=header)
        cart = guest.get_json("/api/cart", headers=header)["data"]
        expected = Decimal(product["final_price"]) * self.quantity
        check([(i["product_id"], i["quantity"]) for i in cart["items"]]
              == [(product["id"], self.quantity)], f"the guest cart holds {cart['items']}")
        check(Decimal(cart["total"]) == expected, f"cart total {cart['total']} != {expected}")
        self.results.update(guest_cart_id=cart_id, total=cart["total"])
        self.say(f"guest cart {cart_id}: {self.quantity} tickets, total {cart['total']}")

    def register(self):
        self.client().call("POST", "/api/auth/register", {
            "first_name": "Dana", "last_name": "Demo", "email": self.email,
            "password": self.password, "password_confirmation": self.password,
            "locale": "en"}, expect=201)
        refused = self.client().call("POST", "/api/auth/login",
                                     {"email": self.email, "password": self.password},
                                     expect=403).json
        check(refused["code"] == "email_not_verified", f"login before verifying: {refused}")
        self.say(f"registered {self.email}; login refused until verified "
                 f"({refused['code']})")

    def verify_email(self):
        link = urllib.parse.urlsplit(self.verification_link(self.email))
        reply = self.client().call("GET", f"{link.path}?{link.query}".rstrip("?"), expect=302)
        location = reply.headers.get("Location", "")
        check(location.endswith("/verification-result/success"),
              f"the verification link leads to {location!r}")
        self.say(f"followed the link in the e-mail: redirected to {location}")

    def log_in(self):
        cart_id = self.results["guest_cart_id"]
        buyer = self.log_in_as(self.email, self.password, {"X-Guest-Cart-ID": cart_id})
        cart = buyer.get_json("/api/cart")["data"]
        check(cart["total"] == self.results["total"] and len(cart["items"]) == 1,
              f"the guest cart did not merge: {cart}")
        self.results["buyer"] = buyer
        self.say(f"logged in with X-Guest-Cart-ID: the cart merged (total {cart['total']})")

    def pay(self):
        buyer = self.results["buyer"]
        payment = buyer.call("POST", "/api/payments", expect=201).json
        check(payment["status"] == "pending" and payment["amount"] == self.results["total"],
              f"unexpected payment {payment}")
        intent = confirm_as_customer(self.stripe_url, payment["client_secret"])
        check(intent["status"] == "succeeded", f"Stripe says {intent['status']}")
        self.say(f"payment {payment['uuid']} of {payment['amount']} {payment['currency']}: "
                 "card confirmed at Stripe")
        paid = self.poll_until_fulfilled(buyer, f"/api/payments/{payment['uuid']}")
        buyer.call("DELETE", "/api/cart/items")
        check(buyer.get_json("/api/cart")["data"]["items"] == [], "the cart is not empty")
        self.results["payment"] = paid
        self.say(f"polled until paid with invoice {paid['invoice_filename']}; cart emptied")

    def poll_until_fulfilled(self, client, path):
        """Until the payment is paid and its documents exist (they are made by a task
        after the payment is marked paid)."""
        deadline = time.monotonic() + self.poll_seconds
        while True:
            body = client.get_json(path)
            if body["status"] == "paid" and body.get("invoice_filename"):
                return body
            check(body["status"] in ("pending", "paid") and time.monotonic() < deadline,
                  f"{path} is {body['status']} (invoice {body.get('invoice_filename')}), "
                  "waited for paid with an invoice")
            time.sleep(0.5)

    def download_documents(self):
        buyer, payment = self.results["buyer"], self.results["payment"]
        self.results["invoice"] = buyer.download(
            f"/api/invoices/{payment['invoice_filename']}", "application/pdf", b"%PDF")
        tickets = [t for t in buyer.get_json("/api/tickets/user")["data"]
                   if t["payment_uuid"] == payment["uuid"]]
        check(len(tickets) == self.quantity and {t["status"] for t in tickets} == {"issued"},
              f"expected {self.quantity} issued tickets, got {tickets}")
        ticket = tickets[0]
        self.results["ticket_pdf"] = buyer.download(f"/api/tickets/{ticket['filename']}",
                                                    "application/pdf", b"%PDF")
        qr = buyer.download(f"/api/tickets/qr/{ticket['qr_filename']}", "image/png",
                            b"\x89PNG")
        check(read_qr(qr) == ticket["token"], "the QR code does not hold the ticket's token")
        self.results["ticket"] = ticket
        self.say(f"downloaded the invoice PDF, {len(tickets)} tickets; ticket PDF and QR "
                 f"code of {ticket['token']} (the QR holds the token)")

    def scan_ticket(self):
        employee = self.log_in_as(*self.staff["employee"])
        token = self.results["ticket"]["token"]
        seen = employee.get_json(f"/api/tickets/scan/{token}")["data"]
        check(seen["status"] == "issued", f"the gate sees {seen['status']}")
        admitted = employee.call("POST", f"/api/tickets/scan/{token}").json["data"]
        check(admitted["status"] == "used", f"after the scan: {admitted['status']}")
        again = employee.call("POST", f"/api/tickets/scan/{token}", expect=409).json
        check(again["status"] == "used", f"second scan: {again}")
        self.say(f"employee scanned the ticket of {seen['holder']}: admitted; "
                 f"second scan refused (409 {again['code']})")

    def refund_part(self):
        admin = self.log_in_as(*self.staff["admin"])
        payment = self.results["payment"]
        amount = self.results["product"]["final_price"]  # one of the tickets
        refunded = admin.call("POST", f"/api/payments/{payment['uuid']}/refund",
                              {"amount": amount}).json
        check(refunded["status"] == "partially_refunded"
              and Decimal(refunded["refunded_amount"]) == Decimal(amount),
              f"after refunding {amount}: {refunded}")
        invoice = admin.get_json(f"/api/payments/{payment['uuid']}")["invoice_filename"]
        self.results["refunded_invoice"] = admin.download(
            f"/api/invoices/admin/{invoice}", "application/pdf", b"%PDF")
        check(self.results["refunded_invoice"] != self.results["invoice"],
              "the invoice was not regenerated")
        self.results["admin"] = admin
        self.say(f"admin refunded {amount}: payment partially_refunded, regenerated "
                 f"invoice downloaded")

    def sales_report(self):
        product, payment = self.results["product"], self.results["payment"]
        report = self.results["admin"].get_json(f"/api/admin/sales?product_id={product['id']}"
                                                "&per_page=100")
        lines = [line for line in report["data"] if line["payment_uuid"] == payment["uuid"]]
        check(len(lines) == 1 and lines[0]["quantity"] == self.quantity
              and lines[0]["status"] == "partially_refunded"
              and Decimal(lines[0]["refunded"]) == Decimal(product["final_price"]),
              f"the sales report shows {lines}")
        self.say(f"sales report: the line is there ({lines[0]['quantity']} tickets, "
                 f"refunded {lines[0]['refunded']}); totals {report['totals']}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="demo", description=__doc__.split("\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:6543")
    parser.add_argument("--stripe", default="http://127.0.0.1:8420", help="localstripe URL")
    parser.add_argument("--mail-folder", default="var/mail",
                        help="where the server writes e-mails (mail.folder)")
    args = parser.parse_args(argv)
    story = Story(args.base_url, args.stripe, links_in_folder(args.mail_folder),
                  say=lambda text: print("ok  " + text, flush=True))
    try:
        story.run()
    except Surprise as error:
        print(f"FAILED  {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"FAILED  {error} (is `make run` serving {args.base_url}?)", file=sys.stderr)
        return 1
    print("The whole purchase story passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
