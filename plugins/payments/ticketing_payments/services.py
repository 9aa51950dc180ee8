"""The life of a payment: checkout (freeze the cart, reserve stock), the outcomes Stripe
reports, expiry, refunds. Stock moves only through the catalogue's hooks, always
together with ``Payment.stock_held`` in one transaction."""
from datetime import timedelta

from pyramid.i18n import TranslationStringFactory
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ticketing.db import utcnow
from ticketing.errors import APIError
from ticketing.money import format_cents
from ticketing.tasks import after_commit

from . import tasks
from .models import SOLD_STATUSES, Payment, PaymentLine, Refund

_ = TranslationStringFactory("ticketing_payments")

#: the largest amount Stripe takes in one payment (8 digits of cents); below it, every
#: line total and payment amount fits the 32-bit money columns
MAX_PAYMENT_CENTS = 99_999_999


def commit(request):
    """End the request's transaction here and start a new one: used before calling Stripe,
    so that no row stays locked during the network call."""
    request.tm.commit()
    request.tm.begin()


def find_payment(request, uuid, owner=None, lock=False):
    """The payment ``uuid`` (of ``owner`` unless ``None``), or a 404."""
    statement = select(Payment).where(Payment.uuid == str(uuid))
    if owner is not None:
        statement = statement.where(Payment.user_id == owner.id)
    if lock:
        statement = statement.with_for_update(of=Payment)
    payment = request.dbsession.execute(statement).scalars().first()
    if payment is None:
        raise APIError(404, "payment_not_found", _("This payment does not exist."))
    return payment


def lock_payment(request, payment_id):
    """The payment, re-read and locked until the transaction ends (``None`` if gone)."""
    return request.dbsession.execute(
        select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment)
        .execution_options(populate_existing=True)
    ).scalars().first()


# -- stock ------------------------------------------------------------------------------


def take_stock(request, lines):
    """Take the units of every line, or none: return ``None`` when all were taken, else
    the first line whose stock did not suffice (what was taken is given back). Lines go
    by product id so that concurrent buyers lock products in the same order."""
    taken = []
    for line in sorted(lines, key=lambda line: line.product_id):
        if not request.hook.ticketing_stock_taken(
            request=request, product_id=line.product_id, quantity=line.quantity
        ):
            give_back(request, taken)
            return line
        taken.append(line)
    return None


def give_back(request, lines):
    for line in lines:
        request.hook.ticketing_stock_released(
            request=request, product_id=line.product_id, quantity=line.quantity
        )


def release_stock(request, payment):
    if payment.stock_held:
        give_back(request, payment.lines)
        payment.stock_held = False


def insufficient_stock(request, line):
    product = request.hook.ticketing_product(request=request, product_id=line.product_id)
    available = product.stock if product is not None else 0
    return APIError(
        409, "insufficient_stock",
        _("Only ${available} left of ${name}.", mapping={"available": available, "name": line.name}),
        product_id=line.product_id, available=available,
    )


# -- checkout ---------------------------------------------------------------------------


def buyer_locale(request, user):
    """The language the buyer pays in: the request's, else the account's."""
    if request.headers.get("Accept-Language"):
        return request.locale_name
    return user.locale


def find_by_idempotency_key(request, user, key):
    if key is None:
        return None
    return request.dbsession.execute(
        select(Payment).where(Payment.user_id == user.id, Payment.idempotency_key == key)
    ).scalars().first()


def reserve(request, user, idempotency_key):
    """Freeze the user's cart into a pending payment and take its stock (all or nothing).
    The user's previous pending payment, if any, is cancelled: one live payment each."""
    cart = request.hook.ticketing_cart_lines(request=request, user=user) or []
    if not cart:
        raise APIError(422, "cart_empty", _("Your cart is empty."))
    if sum(line.line_total for line in cart) > MAX_PAYMENT_CENTS:
        largest = format_cents(MAX_PAYMENT_CENTS)
        raise APIError(422, "amount_too_large",
                       _("A payment can be at most ${amount}; buy fewer items at once.",
                         mapping={"amount": largest}), max_amount=largest)
    for previous in request.dbsession.execute(
        select(Payment).where(Payment.user_id == user.id, Payment.status == "pending")
        .with_for_update(of=Payment)
    ).scalars():
        fail(request, previous, "replaced")
    missing = take_stock(request, cart)  # first: a sold-out checkout writes nothing more
    if missing is not None:
        raise insufficient_stock(request, missing)  # the transaction aborts: nothing kept
    products = request.hook.ticketing_products(
        request=request, product_ids=[line.product_id for line in cart]
    ) or {}
    settings = request.registry.settings
    locale = buyer_locale(request, user)
    payment = Payment(
        user=user, status="pending", provider="stripe", currency=settings["ticketing.currency"],
        amount=sum(line.line_total for line in cart), locale=locale,
        idempotency_key=idempotency_key, stock_held=True,
        expires_at=utcnow() + timedelta(minutes=settings["ticketing.payments.reservation_minutes"]),
        lines=[frozen_line(line, products.get(line.product_id), locale) for line in cart],
    )
    request.dbsession.add(payment)
    try:
        request.dbsession.flush()
    except IntegrityError:  # a concurrent checkout of this user committed first
        raise APIError(409, "payment_in_progress",
                       _("A payment for your cart is already in progress.")) from None
    return payment


def frozen_line(line, product, locale):
    """The cart line as paid, named in the buyer's language (the cart names it in the
    request's, which is not the buyer's when the checkout sent no Accept-Language)."""
    list_price = getattr(product, "list_price", None) or line.unit_price
    names = getattr(product, "names", None) or {}
    return PaymentLine(
        product_id=line.product_id, name=names.get(locale, line.name), quantity=line.quantity,
        list_price=max(list_price, line.unit_price), unit_price=line.unit_price,
        line_total=line.line_total,
    )


# -- outcomes ---------------------------------------------------------------------------


def fail(request, payment, reason, cancel_intent=True):
    """A pending payment ends without money: its stock returns, its intent is cancelled
    after commit (so that it cannot succeed later) unless Stripe cancelled it already."""
    release_stock(request, payment)
    payment.status = "failed"
    payment.failure_reason = reason
    request.hook.ticketing_payment_failed(request=request, payment=payment)
    if cancel_intent and payment.intent_id:
        after_commit(request, tasks.cancel_intent, payment.intent_id)


def mark_paid(request, payment, intent_id):
    """Stripe took the money. A payment whose reservation ended meanwhile takes its stock
    again if it can; otherwise it is refunded in full, automatically."""
    if payment.paid_at is not None:
        return
    payment.paid_at = utcnow()
    payment.intent_id = payment.intent_id or intent_id
    if not payment.stock_held:
        if take_stock(request, payment.lines) is not None:
            payment.failure_reason = "sold_out"
            after_commit(request, tasks.refund_unfulfillable, payment.id)
            return
        payment.stock_held = True
    payment.status = "paid"
    payment.failure_reason = None
    after_commit(request, tasks.fulfil_payment, payment.id)


def create_complimentary(request, user, product_id, quantity, locale):
    """A paid zero-amount payment for free tickets, fulfilled like any other."""
    product = request.hook.ticketing_product(request=request, product_id=product_id)
    if product is None:
        raise APIError(404, "product_not_found", _("This product does not exist."))
    line = PaymentLine(product_id=product.id, name=product.names.get(locale, product.name),
                       quantity=quantity, list_price=0, unit_price=0, line_total=0)
    now = utcnow()
    payment = Payment(user=user, status="paid", provider="free", amount=0, locale=locale,
                      currency=request.registry.settings["ticketing.currency"],
                      stock_held=True, paid_at=now, lines=[line])
    if take_stock(request, [line]) is not None:
        raise insufficient_stock(request, line)
    request.dbsession.add(payment)
    request.dbsession.flush()
    after_commit(request, tasks.fulfil_payment, payment.id)
    return payment


# -- refunds ----------------------------------------------------------------------------


def open_refund(request, payment, amount, admin):
    """Check and record a pending refund of ``amount`` cents (the payment row is locked),
    before Stripe is called."""
    if payment.provider != "stripe" or payment.status not in ("paid", "partially_refunded"):
        raise APIError(409, "payment_not_refundable",
                       _("Only a paid card payment can be refunded."))
    if amount > payment.refundable_amount:
        refundable = format_cents(payment.refundable_amount)
        raise APIError(409, "refund_exceeds_remaining",
                       _("At most ${amount} can still be refunded.", mapping={"amount": refundable}),
                       refundable=refundable)
    refund = Refund(payment=payment, amount=amount, source="admin", created_by_id=admin.id)
    request.dbsession.add(refund)
    request.dbsession.flush()
    return refund


def get_refund(request, refund_id):
    return request.dbsession.get(Refund, refund_id)


def drop_refund(request, refund_id):
    """Stripe did not make the refund: forget the pending one."""
    request.dbsession.delete(get_refund(request, refund_id))


def complete_refund(request, payment, refund, provider_refund_id=None):
    """Count a refund the provider made into the payment and tell the other plugins."""
    refund.status = "succeeded"
    refund.provider_refund_id = provider_refund_id
    payment.refunded_amount += refund.amount
    payment.status = "refunded" if payment.refunded_amount >= payment.amount else "partially_refunded"
    request.dbsession.flush()
    request.hook.ticketing_payment_refunded(request=request, payment=payment, refund=refund)


def record_provider_refunds(request, payment, amount_refunded):
    """``charge.refunded``: money Stripe reports as refunded beyond what we know of (a
    refund made in the Stripe dashboard) is recorded as one more refund."""
    if payment.status not in SOLD_STATUSES:
        return
    unknown = amount_refunded - payment.refunded_amount - payment.pending_refund_amount
    if unknown > 0:
        refund = Refund(payment=payment, amount=unknown, source="provider")
        request.dbsession.add(refund)
        complete_refund(request, payment, refund)
