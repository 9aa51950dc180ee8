"""The contracts between the core and its plugins.

Plugins implement these with ``ticketing.hookimpl``. Three kinds:

* startup hooks, called while the application is configured;
* questions (``firstresult``): the first non-``None`` answer wins, ``None`` means
  "not mine";
* events, named in the past tense: every implementation is called and their results
  are collected in a list.

Every hook receives ``request`` rather than a bare session, so that an implementation
can reach ``request.dbsession``, ``request.find_service`` and ``request.localizer``.
"""
import pluggy

hookspec = pluggy.HookspecMarker("ticketing")

# -- startup ------------------------------------------------------------------------


@hookspec
def ticketing_settings():
    """Declare the plugin's settings.

    Return a list of :class:`ticketing.settings.Setting`; they are parsed with the core's
    settings at startup, and a missing or malformed value stops the application.
    """


@hookspec
def ticketing_permissions():
    """Declare permissions and the roles that hold them.

    Return a mapping ``{permission: {role, ...}}``. The ``admin`` role holds every
    permission without being named.
    """


@hookspec
def ticketing_migrations():
    """Return the asset spec of the plugin's Alembic versions folder
    (``"ticketing_catalog:migrations"``), or ``None`` when it has no tables."""


@hookspec
def ticketing_configure(config):
    """Configure Pyramid: ``config.include`` the plugin (routes, Cornice services,
    translations, templates, Celery tasks). Called once, after the core is set up."""


@hookspec
def ticketing_demo_data(request):
    """Development only (``make run``): add the plugin's demo rows if they are missing.
    Called in one transaction after the core created the demo accounts; never called by
    production code paths."""


# -- questions (first answer wins) ------------------------------------------------------


@hookspec(firstresult=True)
def ticketing_product(request, product_id):
    """Return a :class:`ticketing.interfaces.ProductInfo` for an active product in the
    request's locale, or ``None`` when the product is unknown or inactive."""


@hookspec(firstresult=True)
def ticketing_products(request, product_ids):
    """Return ``{product_id: ProductInfo}`` for the active products among
    ``product_ids`` (one query: used by carts to price every line at once)."""


@hookspec(firstresult=True)
def ticketing_stock_taken(request, product_id, quantity):
    """Take ``quantity`` units of stock with one conditional update. Return ``True`` when
    taken, ``False`` when the stock does not suffice (nothing changes then)."""


@hookspec(firstresult=True)
def ticketing_stock_released(request, product_id, quantity):
    """Give ``quantity`` units back to stock. Return ``True``."""


@hookspec(firstresult=True)
def ticketing_cart_lines(request, user):
    """Return the user's cart as a list of :class:`ticketing.interfaces.CartLine`
    (priced at the current effective prices)."""


@hookspec(firstresult=True)
def ticketing_cart_emptied(request, user):
    """Empty the user's cart. Return ``True``."""


@hookspec(firstresult=True)
def ticketing_complimentary_payment(request, user, product_id, quantity, locale):
    """Create a paid zero-amount payment of ``quantity`` units of ``product_id`` for
    ``user`` (free tickets issued by an admin), taking the stock, and fulfil it like any
    paid payment (``ticketing_payment_paid``, e-mail in ``locale``). Return the payment,
    or raise ``APIError`` (e.g. 409 ``insufficient_stock``)."""


@hookspec(firstresult=True)
def ticketing_ticket(request, token):
    """Return the :class:`ticketing.interfaces.TicketInfo` whose token is ``token`` (a
    string, possibly malformed), or ``None`` when there is none."""


@hookspec(firstresult=True)
def ticketing_ticket_used(request, token, user):
    """Mark the ``issued`` ticket ``token`` used by ``user`` (the gate) with one
    conditional update. Return its :class:`ticketing.interfaces.TicketInfo` as admitted
    when this call admitted it, ``None`` when the ticket is unknown or not ``issued``
    (nothing changes then)."""


# -- events (everyone is called) ----------------------------------------------------------
#
# A ``payment`` passed to these hooks offers at least: ``id``, ``uuid`` (str), ``user``
# (ticketing.models.User), ``user_id``, ``status``, ``amount``, ``refunded_amount`` and
# ``currency`` (cents, ISO code), ``locale`` (the buyer's), ``created_at``, ``paid_at``,
# and ``lines``, each with ``product_id``, ``name``, ``quantity``, ``list_price`` (before
# the sale), ``unit_price`` and ``line_total`` (cents), and ``refunds`` (completed, oldest
# first). A ``refund`` offers ``id``, ``amount``, ``created_at``.


@hookspec
def ticketing_user_logged_in(request, user, guest_cart_id):
    """A user logged in; ``guest_cart_id`` is the ``X-Guest-Cart-ID`` sent with the login
    (a string, possibly malformed, or ``None``)."""


@hookspec
def ticketing_payment_paid(request, payment):
    """A payment was paid. Runs in a background task after the payment committed, and may
    run again for the same payment (retries): implementations create only what is
    missing. Return a list of :class:`ticketing.interfaces.Attachment` to send to the buyer
    in the order confirmation e-mail (or ``None``)."""


@hookspec
def ticketing_payment_refunded(request, payment, refund):
    """Part or all of a payment was refunded (``refund.amount`` cents). Runs in the
    transaction that records the refund."""


@hookspec
def ticketing_payment_failed(request, payment):
    """A pending payment failed, was cancelled or expired; its stock is released."""


@hookspec
def ticketing_payment_documents(request, payment):
    """The buyer or an admin reads a paid payment. Return a dict of the documents the
    plugin made for it, merged into the payment resource (``{"invoice_filename": ...}``,
    ``{"tickets": [...]}``), or ``None``."""


@hookspec
def ticketing_ticket_scanned(request, ticket, scan):
    """A ticket was admitted at the gate: ``ticket`` is its
    :class:`ticketing.interfaces.TicketInfo` (now ``used``), ``scan`` offers ``id``,
    ``scanned_at`` and ``scanned_by_id``. Runs in the transaction of the scan."""
