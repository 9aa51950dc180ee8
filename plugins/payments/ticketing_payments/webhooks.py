"""Stripe webhook events: verified on the raw body, recorded once by event id, and
applied in the same transaction as the record, so that an event is applied exactly once.

An event naming a payment we cannot see (not committed yet, or unknown) is answered
``409 payment_unknown`` and not recorded: Stripe delivers it again later.
"""
from pyramid.i18n import TranslationStringFactory
from sqlalchemy import select

from ticketing.errors import APIError

from . import services
from .gateway import gateway
from .models import Payment, WebhookEvent

_ = TranslationStringFactory("ticketing_payments")


def unknown_payment():
    return APIError(409, "payment_unknown",
                    _("This event names a payment that is not known yet; send it again later."))


def payment_of_intent(request, intent):
    """The locked payment of a PaymentIntent (found by the ``payment_uuid`` we put in its
    metadata, so before its id is even stored), or ``None`` for intents not ours."""
    uuid = (intent.get("metadata") or {}).get("payment_uuid")
    condition = Payment.uuid == uuid if uuid else Payment.intent_id == intent["id"]
    payment = request.dbsession.execute(
        select(Payment).where(condition).with_for_update(of=Payment)
    ).scalars().first()
    if payment is None and uuid:
        raise unknown_payment()
    return payment


def intent_succeeded(request, intent):
    payment = payment_of_intent(request, intent)
    if payment is not None:
        services.mark_paid(request, payment, intent["id"])


def intent_failed(request, intent):
    payment = payment_of_intent(request, intent)
    if payment is not None and payment.status == "pending":
        services.fail(request, payment, "declined")


def intent_canceled(request, intent):
    payment = payment_of_intent(request, intent)
    if payment is not None and payment.status == "pending":
        services.fail(request, payment, "canceled", cancel_intent=False)


def charge_refunded(request, charge):
    intent_id = charge.get("payment_intent")
    if isinstance(intent_id, dict):  # expanded object (localstripe) or an id (Stripe)
        intent_id = intent_id["id"]
    payment = request.dbsession.execute(
        select(Payment).where(Payment.intent_id == intent_id).with_for_update(of=Payment)
    ).scalars().first()
    if payment is None:
        raise unknown_payment()
    services.record_provider_refunds(request, payment, charge.get("amount_refunded") or 0)


HANDLERS = {
    "payment_intent.succeeded": intent_succeeded,
    "payment_intent.payment_failed": intent_failed,
    "payment_intent.canceled": intent_canceled,
    "charge.refunded": charge_refunded,
}


def receive(request):
    """Verify, record and apply the event in ``request.body``. Return ``False`` when it
    was seen before (nothing is done again)."""
    try:
        event = gateway(request).verify_event(request.body, request.headers.get("Stripe-Signature"))
    except ValueError:
        raise APIError(400, "invalid_signature",
                       _("The Stripe signature of this event is missing or invalid.")) from None
    seen = request.dbsession.execute(
        select(WebhookEvent.id).where(WebhookEvent.event_id == event.id)
    ).first()
    if seen:
        return False
    # a concurrent delivery of the same event waits on the unique index here and then
    # fails (409): Stripe redelivers it, and it is seen as a duplicate
    request.dbsession.add(WebhookEvent(event_id=event.id, type=event.type,
                                       payload=request.body.decode("utf-8", "replace")))
    request.dbsession.flush()
    handler = HANDLERS.get(event.type)
    if handler is not None:
        handler(request, event.data.object.to_dict())
    return True
