"""Payments endpoints: checkout, the Stripe webhook, polling, admin list, refunds, sales."""
from pyramid.i18n import TranslationStringFactory
from pyramid.security import NO_PERMISSION_REQUIRED
from sqlalchemy import case, func, select

from ticketing.api import Service, response
from ticketing.errors import APIError
from ticketing.money import format_cents
from ticketing.pagination import paginate, within_days
from ticketing.security import Perm
from ticketing.tasks import after_commit

from . import PAYMENTS_ADMIN, schemas, services, tasks, webhooks
from .gateway import ProviderError, gateway
from .models import SOLD_STATUSES, Payment, PaymentLine

_ = TranslationStringFactory("ticketing_payments")

MAX_IDEMPOTENCY_KEY = 255

collection = Service(name="payments.collection", path="/api/payments",
                     description="Checkout and the admin list of payments")
webhook = Service(name="payments.webhook", pyramid_route="payments.webhook",
                  description="Stripe events (called by Stripe only)")
item = Service(name="payments.item", path="/api/payments/{uuid}",
               description="One payment, for polling until it is paid")
refund = Service(name="payments.refund", path="/api/payments/{uuid}/refund",
                 description="Refund part or all of a payment")
sales = Service(name="payments.sales", path="/api/admin/sales", description="Sold lines")


def iso(value):
    return value.isoformat() if value is not None else None


def line_body(line):
    return {"product_id": line.product_id, "name": line.name, "quantity": line.quantity,
            "unit_price": format_cents(line.unit_price),
            "line_total": format_cents(line.line_total)}


def payment_body(payment):
    return {
        "uuid": payment.uuid, "status": payment.status,
        "amount": format_cents(payment.amount),
        "refunded_amount": format_cents(payment.refunded_amount),
        "currency": payment.currency, "created_at": iso(payment.created_at),
        "paid_at": iso(payment.paid_at) if payment.status in SOLD_STATUSES else None,
        "lines": [line_body(line) for line in payment.lines],
        "invoice_filename": None, "tickets": [],
    }


def checkout_body(payment, client_secret):
    return {"uuid": payment.uuid, "client_secret": client_secret,
            "amount": format_cents(payment.amount), "currency": payment.currency,
            "status": payment.status}


def provider_unavailable():
    return APIError(503, "payment_provider_unavailable",
                    _("The payment provider cannot be reached. Please try again in a moment."))


def idempotency_key(request):
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise APIError(422, errors={"Idempotency-Key": [
            _("Must be 1 to 255 printable characters.")]})
    return key


def replay(request, payment):
    """The answer to a repeated checkout with the same ``Idempotency-Key``."""
    client_secret = None
    if payment.status == "pending":
        if payment.intent_id is None:  # the first request is still talking to Stripe
            raise APIError(409, "payment_in_progress",
                           _("A payment for your cart is already in progress."))
        try:
            client_secret = gateway(request).client_secret(payment.intent_id)
        except ProviderError:
            raise provider_unavailable() from None
    return checkout_body(payment, client_secret)


@collection.post(permission=Perm.AUTHENTICATED, operation_id="create_payment",
                 tags=["payments"],
                 response_schemas={"201": response("Payment created", schemas.Checkout()),
                                   "200": response("Same Idempotency-Key: the payment made "
                                                   "by the first request", schemas.Checkout())})
def create_payment(request):
    """Turn the caller's cart into a pending payment: freeze the lines, reserve the stock
    (committed before Stripe is called), create the PaymentIntent. An ``Idempotency-Key``
    header makes a repeated request return the same payment."""
    user = request.identity
    key = idempotency_key(request)
    existing = services.find_by_idempotency_key(request, user, key)
    if existing is not None:
        return replay(request, existing)
    payment = services.reserve(request, user, key)
    payment_id = payment.id
    services.commit(request)
    try:
        intent_id, client_secret = gateway(request).create_intent(payment)
    except ProviderError:
        services.fail(request, services.lock_payment(request, payment_id), "provider_unavailable")
        services.commit(request)
        raise provider_unavailable() from None
    payment = services.lock_payment(request, payment_id)
    payment.intent_id = intent_id
    if payment.status != "pending":  # replaced or expired meanwhile: the intent must go
        after_commit(request, tasks.cancel_intent, intent_id)
        client_secret = None
    request.response.status_int = 201
    return checkout_body(payment, client_secret)


@collection.get(schema=schemas.ListPaymentsRequest(), permission=PAYMENTS_ADMIN,
                operation_id="list_payments", tags=["payments"],
                response_schemas={"200": response("One page of payments", schemas.PaymentPage())})
def list_payments(request):
    """Every payment, newest first (admin), filtered by status, buyer and creation day."""
    query = request.validated["querystring"]
    statement = select(Payment).order_by(Payment.created_at.desc(), Payment.id.desc())
    if query.get("status"):
        statement = statement.where(Payment.status == query["status"])
    if "user_id" in query:
        statement = statement.where(Payment.user_id == query["user_id"])
    statement = within_days(statement, Payment.created_at, query)

    def admin_body(payment):
        return {**payment_body(payment), "user_id": payment.user_id,
                "email": payment.user.email, "failure_reason": payment.failure_reason}

    return paginate(request.dbsession, statement, query["page"], query["per_page"], admin_body)


@webhook.post(permission=NO_PERMISSION_REQUIRED, operation_id="stripe_webhook",
              tags=["payments"],
              response_schemas={"200": response("Event applied, or seen before",
                                                schemas.WebhookAck())})
def stripe_webhook(request):
    """Called by Stripe: a signed event (``Stripe-Signature``). ``400 invalid_signature``
    changes nothing; ``409 payment_unknown`` asks Stripe to deliver it again later."""
    applied = webhooks.receive(request)
    return {"received": True, "duplicate": not applied}


@item.get(schema=schemas.PaymentRequest(), permission=Perm.AUTHENTICATED,
          operation_id="get_payment", tags=["payments"],
          response_schemas={"200": response("The payment", schemas.PaymentBody())})
def get_payment(request):
    """The caller's payment (any payment for an admin); once paid, with its documents."""
    owner = None if request.has_permission(PAYMENTS_ADMIN) else request.identity
    payment = services.find_payment(request, request.validated["path"]["uuid"], owner)
    body = payment_body(payment)
    if payment.status in SOLD_STATUSES:
        for documents in request.hook.ticketing_payment_documents(request=request, payment=payment):
            body.update(documents or {})
    return body


@refund.post(schema=schemas.RefundRequest(), permission=PAYMENTS_ADMIN,
             operation_id="refund_payment", tags=["payments"],
             response_schemas={"200": response("The refunded payment", schemas.PaymentBody())})
def refund_payment(request):
    """Refund ``amount`` through Stripe, never more than what remains refundable. Ticket
    statuses are not changed."""
    uuid = request.validated["path"]["uuid"]
    amount = request.validated["body"]["amount"]
    payment = services.find_payment(request, uuid, lock=True)
    pending = services.open_refund(request, payment, amount, request.identity)
    payment_id, refund_id, intent_id = payment.id, pending.id, payment.intent_id
    key = f"refund-{pending.uuid}"
    services.commit(request)
    try:
        provider_refund_id = gateway(request).refund(intent_id, amount, key)
    except ProviderError:
        services.drop_refund(request, refund_id)
        services.commit(request)
        raise provider_unavailable() from None
    payment = services.lock_payment(request, payment_id)
    services.complete_refund(request, payment, services.get_refund(request, refund_id),
                             provider_refund_id)
    return payment_body(payment)


@sales.get(schema=schemas.SalesRequest(), permission=PAYMENTS_ADMIN,
           operation_id="list_sales", tags=["payments"],
           response_schemas={"200": response("Sold lines and their totals", schemas.SalesPage())})
def list_sales(request):
    """Lines of paid (possibly refunded) payments, newest first, with the totals of the
    whole filtered set. A refund is shared among a payment's lines by their totals."""
    query = request.validated["querystring"]
    refunded = case((Payment.amount == 0, 0),
                    else_=Payment.refunded_amount * PaymentLine.line_total / Payment.amount)
    statement = (
        select(PaymentLine, Payment, refunded.label("refunded"))
        .join(Payment, PaymentLine.payment_id == Payment.id)
        .where(Payment.status.in_(SOLD_STATUSES), Payment.stock_held.is_(True))
    )
    if query.get("status"):
        statement = statement.where(Payment.status == query["status"])
    if "product_id" in query:
        statement = statement.where(PaymentLine.product_id == query["product_id"])
    statement = within_days(statement, Payment.paid_at, query)
    filtered = statement.subquery()
    sums = request.dbsession.execute(select(
        func.coalesce(func.sum(filtered.c.line_total), 0),
        func.coalesce(func.sum(filtered.c.refunded), 0),
        func.coalesce(func.sum(filtered.c.quantity), 0),
    )).one()
    currency = request.registry.settings["ticketing.currency"]

    def sold_line(row):
        line, payment, share = row
        return {**line_body(line), "payment_uuid": payment.uuid, "status": payment.status,
                "paid_at": iso(payment.paid_at), "user_id": payment.user_id,
                "refunded": format_cents(share), "currency": currency}

    page = paginate(request.dbsession,
                    statement.order_by(Payment.paid_at.desc(), PaymentLine.id.desc()),
                    query["page"], query["per_page"], sold_line, scalars=False)
    gross, refunded_total, tickets = (int(value) for value in sums)
    page["totals"] = {"gross": format_cents(gross), "refunded": format_cents(refunded_total),
                      "net": format_cents(gross - refunded_total), "tickets_sold": tickets,
                      "currency": currency}
    return page
