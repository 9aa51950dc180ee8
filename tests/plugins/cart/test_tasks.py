"""The periodic purge of forgotten guest carts."""
from datetime import timedelta

from sqlalchemy import select

from ticketing.db import utcnow
from ticketing_cart.models import Cart
from ticketing_cart.tasks import purge_guest_carts
from ticketing.tasks import celery_app


def test_guest_carts_untouched_for_the_configured_days_are_purged(app, db, make_user):
    user = make_user()
    now = utcnow()
    old_guest = Cart(updated_at=now - timedelta(days=31))
    recent_guest = Cart(updated_at=now - timedelta(days=29))
    old_user_cart = Cart(user_id=user.id, updated_at=now - timedelta(days=400))
    db.add_all([old_guest, recent_guest, old_user_cart])
    db.commit()

    assert purge_guest_carts() == 1
    db.expire_all()
    assert set(db.scalars(select(Cart.id))) == {recent_guest.id, old_user_cart.id}
    assert "cart-purge-guest-carts" in celery_app.conf.beat_schedule


def test_the_age_is_a_setting(make_app, db):
    make_app(plugins=("catalog", "cart"), **{"ticketing.cart.guest_days": "2"})
    db.add(Cart(updated_at=utcnow() - timedelta(days=3)))
    db.commit()
    assert purge_guest_carts() == 1
