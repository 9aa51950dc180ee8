"""Background work: fulfilling paid payments (documents + one e-mail), cancelling
intents, refunding payments that succeeded without stock, and the periodic sweep that
expires reservations and re-drives whatever a lost task left undone.

Every task is idempotent: it re-reads the payment and does only what is still missing.
"""
import logging
from datetime import timedelta

from pyramid.i18n import TranslationStringFactory
from sqlalchemy import select

from ticketing.db import utcnow
from ticketing.mail import queue_mail
from ticketing.tasks import celery_app, schedule, task_request

from . import services
from .gateway import ProviderError
from .models import Payment, Refund

_ = TranslationStringFactory("ticketing_payments")
log = logging.getLogger(__name__)

MAX_RETRIES = 10
#: a paid payment still unfulfilled (or unrefunded) this long after payment is re-driven
REDRIVE_AFTER = timedelta(minutes=2)
MAIL = "ticketing_payments:templates/mail/"


def backoff(retries):
    return min(600, 2 ** retries * 5)


def gateway():
    return celery_app.pyramid_registry["payments.gateway"]


@celery_app.task(name="payments.fulfil_payment", bind=True, max_retries=MAX_RETRIES)
def fulfil_payment(self, payment_id):
    """Fire ``ticketing_payment_paid`` and send the buyer one order confirmation with
    every document the plugins made; all in one transaction, so a failure leaves
    nothing half-done and the retry starts over."""
    try:
        with task_request() as request:
            payment = services.lock_payment(request, payment_id)
            if payment is None or payment.fulfilled_at is not None or not payment.stock_held:
                return
            results = request.hook.ticketing_payment_paid(request=request, payment=payment)
            attachments = [item for result in results for item in (result or ())]
            queue_mail(
                request, payment.user.email,
                _("Your order at ${shop}", mapping={"shop": request.registry.settings["ticketing.shop_name"]}),
                MAIL + "order_confirmation", payment.locale, attachments=attachments,
                payment=payment, user=payment.user,
            )
            payment.fulfilled_at = utcnow()
    except Exception as error:  # a plugin or the database failed: start over later
        log.exception("fulfilling payment %s failed", payment_id)
        raise self.retry(exc=error, countdown=backoff(self.request.retries))


@celery_app.task(name="payments.cancel_intent", bind=True, max_retries=MAX_RETRIES)
def cancel_intent(self, intent_id):
    """Cancel a PaymentIntent whose payment ended, so that it cannot succeed later."""
    try:
        gateway().cancel_intent(intent_id)
    except ProviderError as error:
        if error.retryable:
            raise self.retry(exc=error, countdown=backoff(self.request.retries))
        log.info("intent %s not cancelled (already final): %s", intent_id, error)


@celery_app.task(name="payments.refund_unfulfillable", bind=True, max_retries=MAX_RETRIES)
def refund_unfulfillable(self, payment_id):
    """Give the whole amount back for a payment that succeeded after its reservation
    ended while the stock was gone, and tell the buyer."""
    with task_request() as request:
        payment = request.dbsession.get(Payment, payment_id)
        if payment is None or payment.status != "failed" or payment.paid_at is None:
            return
        intent_id, amount, key = payment.intent_id, payment.amount, f"auto-refund-{payment.uuid}"
    try:
        provider_refund_id = gateway().refund(intent_id, amount, key)
    except ProviderError as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries))
    with task_request() as request:
        payment = services.lock_payment(request, payment_id)
        if payment.status != "failed":
            return
        refund = Refund(payment=payment, amount=payment.amount, source="automatic")
        request.dbsession.add(refund)
        services.complete_refund(request, payment, refund, provider_refund_id)
        queue_mail(request, payment.user.email, _("Your payment was refunded"),
                   MAIL + "sold_out_refund", payment.locale, payment=payment, user=payment.user)


def expire_reservations(request, limit=200):
    """Fail the pending payments whose reservation ended: stock back, intent cancelled."""
    expired = request.dbsession.execute(
        select(Payment).where(Payment.status == "pending", Payment.expires_at < utcnow())
        .order_by(Payment.id).limit(limit).with_for_update(of=Payment, skip_locked=True)
    ).scalars().all()
    for payment in expired:
        services.fail(request, payment, "expired")
    return len(expired)


@celery_app.task(name="payments.sweep")
def sweep_payments():
    """Periodic: expire reservations, re-drive lost fulfilments and automatic refunds."""
    with task_request() as request:
        expire_reservations(request)
    with task_request() as request:
        stale = utcnow() - REDRIVE_AFTER
        unfulfilled = request.dbsession.execute(
            select(Payment.id).where(Payment.paid_at < stale, Payment.stock_held.is_(True),
                                     Payment.fulfilled_at.is_(None)).limit(500)
        ).scalars().all()
        unrefunded = request.dbsession.execute(
            select(Payment.id).where(Payment.paid_at < stale, Payment.status == "failed")
            .limit(500)
        ).scalars().all()
    for payment_id in unfulfilled:
        fulfil_payment.delay(payment_id)
    for payment_id in unrefunded:
        refund_unfulfillable.delay(payment_id)


schedule("payments-sweep", sweep_payments, 60)
