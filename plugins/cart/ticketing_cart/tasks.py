"""Periodic clean-up: guest carts nobody changed for ``ticketing.cart.guest_days``."""
from datetime import timedelta

from ticketing.db import utcnow
from ticketing.tasks import celery_app, schedule, task_request

from . import services


@celery_app.task(name="ticketing_cart.purge_guest_carts")
def purge_guest_carts():
    with task_request() as request:
        days = request.registry.settings["ticketing.cart.guest_days"]
        return services.purge_guest_carts(request.dbsession, utcnow() - timedelta(days=days))


schedule("cart-purge-guest-carts", purge_guest_carts, 3600)


def includeme(config):
    """Importing this module registered the task and its schedule."""
