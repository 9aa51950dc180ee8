"""Helpers for running the test-suite and dev tooling against localstripe.

localstripe (PyPI ``localstripe``) is a stateful fake of the Stripe API.
Point the official ``stripe`` library at it with either::

    stripe.api_base = ls.url; stripe.api_key = "sk_test_..."    # global
    stripe.StripeClient("sk_test_...", base_addresses={"api": ls.url})

Any key starting with ``sk_`` is accepted.  Things worth knowing:

* Confirming with ``payment_method=...`` returns HTTP 500 ("Not
  implemented"): set the method first (``PaymentIntent.modify``) and then
  confirm without parameters.  :func:`confirm_as_customer` does that.
* Webhooks are sent ~1 s after the API call, once, with no retries, and only
  for ``payment_intent.succeeded`` / ``payment_intent.payment_failed`` in
  the payment flow (no ``payment_intent.canceled``, ``charge.refunded`` or
  refund events).
* Idempotency keys are ignored, so set ``stripe.max_network_retries = 0``
  in tests (retrying a POST on localstripe can create duplicates).
* State is pickled to ``/tmp/localstripe.pickle`` on every write;
  :func:`start_localstripe` passes ``--from-scratch`` so old state is never
  loaded.  Use :meth:`LocalStripe.flush` to wipe state between tests.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_API_KEY = "sk_test_localstripe"
# Test payment methods localstripe understands.  Note that
# "pm_card_visa_chargeDeclined" is NOT declined on charge by localstripe
# (only on attach to a customer); use "pm_card_chargeCustomerFail".
SUCCEEDING_PAYMENT_METHOD = "pm_card_visa"
DECLINING_PAYMENT_METHOD = "pm_card_chargeCustomerFail"
DECLINING_CARD_NUMBER = "4000000000000341"
THREE_D_SECURE_CARD_NUMBER = "4000002500003155"


class LocalStripe:
    """A running localstripe process.  Use :func:`start_localstripe`."""

    def __init__(self, process, port, log_path):
        self.process = process
        self.port = port
        self.log_path = log_path
        self.url = "http://127.0.0.1:%d" % port

    def log(self):
        """Return everything the server has printed so far."""
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def flush(self):
        """Delete all objects (not the webhooks) held by the server."""
        _request(self.url, "DELETE", "/_config/data")

    def configure_stripe(self, api_key=DEFAULT_API_KEY):
        """Point the global ``stripe`` module at this server."""
        import stripe

        stripe.api_base = self.url
        stripe.api_key = api_key
        stripe.max_network_retries = 0
        return stripe

    def client(self, api_key=DEFAULT_API_KEY):
        """Return a ``stripe.StripeClient`` talking to this server."""
        import stripe

        return stripe.StripeClient(
            api_key, base_addresses={"api": self.url}, max_network_retries=0
        )

    def stop(self):
        """Terminate the server and remove its log file."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:
            os.unlink(self.log_path)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _free_port():
    # localstripe listens on '::' (all interfaces, dual stack).
    family = socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind(("::" if family == socket.AF_INET6 else "127.0.0.1", 0))
        return s.getsockname()[1]


def start_localstripe(port=None, timeout=20.0):
    """Start ``python -m localstripe`` with this interpreter; return it.

    Picks a free port unless *port* is given, waits until the server
    answers and raises ``RuntimeError`` with the server's log otherwise.
    """
    port = port or _free_port()
    fd, log_path = tempfile.mkstemp(prefix="localstripe-", suffix=".log")
    cmd = [sys.executable, "-m", "localstripe", "--port", str(port),
           "--from-scratch"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with os.fdopen(fd, "wb") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env)
    server = LocalStripe(process, port, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            why = "exited with code %s" % process.returncode
        elif "Running on" not in server.log():  # not bound yet
            why = "did not start within %.0f s" % timeout
        else:
            try:
                # Static, unauthenticated route without side effects.
                urllib.request.urlopen(server.url + "/js.stripe.com/v3/",
                                       timeout=1).close()
                return server
            except OSError:
                why = "did not answer within %.0f s" % timeout
        if process.poll() is not None or time.monotonic() > deadline:
            log = server.log()
            server.stop()
            raise RuntimeError("localstripe (%s) %s; log:\n%s"
                               % (" ".join(cmd), why, log))
        time.sleep(0.1)


def _request(base_url, method, path, fields=None, api_key=DEFAULT_API_KEY):
    """Send a form-encoded request; return (status, decoded JSON or None)."""
    data = urllib.parse.urlencode(fields or [], doseq=True).encode()
    req = urllib.request.Request(
        base_url.rstrip("/") + path, data=data if method != "GET" else None,
        method=method,
        headers={"Authorization": "Bearer " + api_key,
                 "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, body.decode(errors="replace")


def _base_url(target):
    """Accept a URL, a LocalStripe, or the configured ``stripe`` module."""
    if isinstance(target, str):
        return target
    return getattr(target, "url", None) or target.api_base


def register_webhook(base_url, webhook_id, url, secret, events=None):
    """Make localstripe POST signed events to *url*.

    *events* is a list of event types; ``None`` (or empty) means all.
    Registering the same *webhook_id* again replaces that webhook.
    """
    fields = [("url", url), ("secret", secret)]
    fields += [("events[]", e) for e in events or ()]
    status, body = _request(_base_url(base_url), "POST",
                            "/_config/webhooks/" + webhook_id, fields)
    if status != 200:
        raise RuntimeError("webhook registration failed: %s %r"
                           % (status, body))


def confirm_as_customer(target, intent_id,
                        payment_method=SUCCEEDING_PAYMENT_METHOD,
                        authenticate=True, api_key=None):
    """Pay PaymentIntent *intent_id* the way the customer's browser would.

    *target* is a base URL, a :class:`LocalStripe`, or the configured
    ``stripe`` module; *intent_id* may also be the client secret.
    Attaches *payment_method* (a ``pm_...`` id, e.g.
    :data:`DECLINING_PAYMENT_METHOD`), confirms, and completes 3-D Secure
    (or fails it if *authenticate* is false) when the card asks for it.
    Never raises for a declined card: returns the PaymentIntent as a dict;
    check ``status`` ("succeeded", or "requires_payment_method" with
    ``last_payment_error`` after a decline).
    """
    base = _base_url(target)
    key = api_key or getattr(target, "api_key", None) or DEFAULT_API_KEY
    intent_id = intent_id.split("_secret_")[0]
    path = "/v1/payment_intents/" + intent_id

    status, pi = _request(base, "POST", path,
                          {"payment_method": payment_method}, key)
    if status != 200:
        raise RuntimeError("setting payment method failed: %s %r"
                           % (status, pi))
    status, body = _request(base, "POST", path + "/confirm", None, key)
    if status == 402:  # card declined; payment_failed event is scheduled
        return _request(base, "GET", path, None, key)[1]
    if status != 200:
        raise RuntimeError("confirm failed: %s %r" % (status, body))
    if body["status"] == "requires_action":  # 3-D Secure card
        status, body = _request(
            base, "POST", path + "/_authenticate",
            {"client_secret": pi["client_secret"],
             "success": "true" if authenticate else "false"}, key)
        if status == 402:
            return _request(base, "GET", path, None, key)[1]
        if status != 200:
            raise RuntimeError("3-D Secure failed: %s %r" % (status, body))
    return body


def decline_as_customer(target, intent_id, **kwargs):
    """Like :func:`confirm_as_customer` with a card whose charge fails."""
    return confirm_as_customer(target, intent_id,
                               payment_method=DECLINING_PAYMENT_METHOD,
                               **kwargs)


def create_card_payment_method(target, number, api_key=None):
    """Create a card PaymentMethod from a raw test *number*; return its id."""
    key = api_key or getattr(target, "api_key", None) or DEFAULT_API_KEY
    status, body = _request(_base_url(target), "POST", "/v1/payment_methods",
                            {"type": "card", "card[number]": number,
                             "card[exp_month]": "12", "card[exp_year]": "2030",
                             "card[cvc]": "123"}, key)
    if status != 200:
        raise RuntimeError("payment method creation failed: %s %r"
                           % (status, body))
    return body["id"]
