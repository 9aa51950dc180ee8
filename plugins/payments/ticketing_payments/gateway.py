"""Stripe, behind the few calls the shop makes. Every failure to reach Stripe or to get
an answer from it becomes :class:`ProviderError`; callers decide what to undo.

One ``StripeClient`` per application, configured from the settings (``api_base`` points
at localstripe in development and tests). Idempotency keys are derived from our own
uuids, so a repeated call cannot charge or refund twice on real Stripe.
"""
import logging

import stripe

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20


class ProviderError(Exception):
    """Stripe could not be reached (``retryable``) or refused the call."""

    def __init__(self, what, retryable):
        super().__init__(what)
        self.retryable = retryable


class StripeGateway:
    def __init__(self, settings):
        api_base = settings["ticketing.stripe.api_base"]
        self.webhook_secret = settings["ticketing.stripe.webhook_secret"]
        self.client = stripe.StripeClient(
            settings["ticketing.stripe.secret_key"],
            base_addresses={"api": api_base} if api_base else None,
            # localstripe ignores idempotency keys: a retried POST would duplicate
            max_network_retries=0 if api_base else 2,
            http_client=stripe.new_default_http_client(timeout=TIMEOUT_SECONDS),
        )

    def _call(self, what, method, params, idempotency_key=None):
        options = {"idempotency_key": idempotency_key} if idempotency_key else None
        try:
            return method(params, options)
        except stripe.StripeError as error:
            log.warning("stripe %s failed: %r", what, error)
            retryable = isinstance(error, (stripe.APIConnectionError, stripe.APIError,
                                           stripe.RateLimitError))
            raise ProviderError(what, retryable) from error

    def create_intent(self, payment):
        """Create the PaymentIntent of ``payment``; return ``(intent_id, client_secret)``."""
        intent = self._call(
            "create intent", self.client.v1.payment_intents.create,
            {"amount": payment.amount, "currency": payment.currency.lower(),
             "metadata": {"payment_uuid": payment.uuid},
             "payment_method_types": ["card"]},
            idempotency_key=f"payment-{payment.uuid}",
        )
        return intent.id, intent.client_secret

    def client_secret(self, intent_id):
        intent = self._call("retrieve intent",
                            lambda params, options: self.client.v1.payment_intents.retrieve(
                                intent_id, params, options), None)
        return intent.client_secret

    def cancel_intent(self, intent_id):
        self._call("cancel intent",
                   lambda params, options: self.client.v1.payment_intents.cancel(
                       intent_id, params, options), None)

    def refund(self, intent_id, amount, idempotency_key):
        """Refund ``amount`` cents of the intent's charge; return Stripe's refund id."""
        refund = self._call("refund", self.client.v1.refunds.create,
                            {"payment_intent": intent_id, "amount": amount},
                            idempotency_key=idempotency_key)
        return refund.id

    def verify_event(self, payload, signature):
        """Parse a webhook body; ``ValueError`` unless Stripe signed exactly these bytes."""
        try:
            return stripe.Webhook.construct_event(payload, signature or "", self.webhook_secret)
        except stripe.SignatureVerificationError as error:
            raise ValueError("invalid signature") from error


def gateway(request):
    return request.registry["payments.gateway"]
