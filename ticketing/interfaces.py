"""Plain value objects that travel through hooks between plugins."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ProductInfo:
    id: int
    name: str  # in the request's locale
    unit_price: int  # effective price in cents: price * (1 - sale), half-up
    stock: int
    category: str = ""
    starts_at: datetime | None = None
    venue: str = ""
    timezone: str = "UTC"
    names: dict = field(default_factory=dict)  # {locale: name}
    list_price: int | None = None  # cents before the sale (None: same as unit_price)


@dataclass(frozen=True)
class CartLine:
    product_id: int
    name: str
    quantity: int
    unit_price: int  # cents

    @property
    def line_total(self):
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Attachment:
    """A stored file to attach to an e-mail, by its storage name."""

    filename: str
    content_type: str
    stored_name: str


@dataclass(frozen=True)
class TicketInfo:
    """A ticket as the gate sees it; the event as printed on the ticket."""

    id: int
    token: str
    status: str  # issued | used | cancelled | refunded
    holder: str
    product_id: int
    payment_uuid: str
    event_name: str  # in the request's locale
    starts_at: datetime | None
    venue: str
    used_at: datetime | None = None
    used_by: str | None = None  # name of who scanned or marked it used
