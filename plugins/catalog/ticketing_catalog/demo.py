"""Demo concerts for development (``make run``): loaded only through the
``ticketing_demo_data`` hook, never by production code."""
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from .models import Product
from .services import save_product

# (days from today, local hour, venue, price in cents, sale, stock, {locale: (name, description)})
CONCERTS = [
    (30, 20, "Philharmonie, Berlin", 4900, "0", 200, {
        "en": ("Beethoven's Ninth", "The Berlin Symphony Orchestra and choir play the "
               "Ninth Symphony."),
        "de": ("Beethovens Neunte", "Das Berliner Sinfonieorchester und Chor spielen die "
               "Neunte Sinfonie."),
        "fr": ("La Neuvième de Beethoven", "L'Orchestre symphonique de Berlin et son chœur "
               "jouent la Neuvième Symphonie."),
    }),
    (45, 19, "Tonhalle, Zürich", 3500, "0.10", 120, {
        "en": ("Jazz by the Lake", "An evening of modern jazz with a quartet from Zurich."),
        "de": ("Jazz am See", "Ein Abend mit modernem Jazz und einem Zürcher Quartett."),
        "fr": ("Jazz au bord du lac", "Une soirée de jazz moderne avec un quatuor zurichois."),
    }),
    (60, 21, "Olympia, Paris", 5900, "0", 80, {
        "en": ("Chanson Night", "The great French chansons, sung live with a full band."),
        "de": ("Chanson-Nacht", "Die großen französischen Chansons, live mit ganzer Band."),
        "fr": ("Nuit de la chanson", "Les grandes chansons françaises, en direct avec "
               "tout un orchestre."),
    }),
    (90, 18, "Open-air stage, Munich", 2500, "0.20", 500, {
        "en": ("Summer Rock Festival", "Six bands on one open-air stage, from afternoon to "
               "midnight."),
        "de": ("Sommer-Rockfestival", "Sechs Bands auf einer Freilichtbühne, vom Nachmittag "
               "bis Mitternacht."),
        "fr": ("Festival rock d'été", "Six groupes sur une scène en plein air, de "
               "l'après-midi à minuit."),
    }),
]
TIMEZONE = "Europe/Berlin"


def load(dbsession):
    """Add the demo concerts unless the catalogue already has products."""
    if dbsession.execute(select(exists().where(Product.id.isnot(None)))).scalar():
        return
    today = datetime.now(timezone.utc).date()
    for days, hour, venue, price, sale, stock, texts in CONCERTS:
        local = datetime.combine(today + timedelta(days=days), time(hour),
                                 tzinfo=ZoneInfo(TIMEZONE))
        save_product(dbsession, None, {
            "category": "concert",
            "translations": {locale: {"name": name, "description": description}
                             for locale, (name, description) in texts.items()},
            "price": price,
            "sale": Decimal(sale),
            "stock_quantity": stock,
            "images": [],
            "is_active": True,
            "starts_at": local.astimezone(timezone.utc),
            "venue": venue,
            "timezone": TIMEZONE,
        })
