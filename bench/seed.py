"""Seed the benchmark database: drop and recreate it, migrate it like production, and
fill it with COPY (not through the API): products in three locales, users sharing one
precomputed Argon2 hash, login tokens, guest and user carts, paid payments with their
invoices, and their issued and used tickets.

Writes the identifiers the load scripts rotate through (tokens, cart ids, ticket
tokens) as text files, one per line, into the data folder.
"""
import hashlib
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
from argon2 import PasswordHasher

PASSWORD = "bench-password-1"
LOCALES = ("en", "de", "fr")
CATEGORIES = ("concert", "theatre", "opera", "sports", "festival", "comedy")
VENUES = ("Stadthalle Köln", "Olympiahalle München", "Zénith Paris", "Alte Oper Frankfurt",
          "Hallenstadion Zürich", "Tempodrom Berlin")
WORDS = {
    "en": ("Night", "Gala", "Live", "Summer", "Classic", "Grand", "Premiere", "Show"),
    "de": ("Nacht", "Gala", "Live", "Sommer", "Klassik", "Große", "Premiere", "Schau"),
    "fr": ("Nuit", "Gala", "Direct", "Été", "Classique", "Grande", "Première", "Spectacle"),
}
DESCRIPTION = {
    "en": "An evening with {n} in the main hall: doors open an hour before the start, "
          "seating is free, the bar is open throughout.",
    "de": "Ein Abend mit {n} im großen Saal: Einlass eine Stunde vor Beginn, freie "
          "Platzwahl, die Bar ist durchgehend geöffnet.",
    "fr": "Une soirée avec {n} dans la grande salle : ouverture des portes une heure avant, "
          "placement libre, le bar reste ouvert.",
}

SIZES = {"products": 240, "inactive_products": 12, "users": 20_000, "employees": 4,
         "user_tokens": 1_000, "guest_carts": 2_000, "tickets": 100_000, "used_tickets": 5_000,
         "flash_buyers": 200, "flash_units": 50, "pipeline_orders": 60}
FLASH_PRODUCT = SIZES["products"]  # the last product: few units, each flash buyer wants one
FLASH_BUYERS = range(1201, 1201 + SIZES["flash_buyers"])
# bench/pipeline.py's customers: 2 tickets of one product, or 1 + 2 of two products
PIPELINE_BUYERS = range(1401, 1401 + SIZES["pipeline_orders"])


def digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def recreate(admin_url, name):
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def migrate(settings):
    from alembic import command

    from ticketing.migrations import alembic_config

    command.upgrade(alembic_config(settings), "heads")


def copy(cursor, table, columns, rows):
    with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as target:
        for row in rows:
            target.write_row(row)


def products(now, rng):
    rows, texts = [], []
    for pid in range(1, SIZES["products"] + 1):
        price = rng.randrange(1500, 15000, 50)
        sale = rng.choice((0, 0, 0, 0.1, 0.25))
        final = int(price * (1 - sale) + 0.5)
        active = pid > SIZES["inactive_products"]
        starts = now + timedelta(days=rng.randrange(5, 365), hours=rng.randrange(17, 22))
        stock = SIZES["flash_units"] if pid == FLASH_PRODUCT else 1_000_000
        rows.append((pid, rng.choice(CATEGORIES), price, sale, final, stock, "[]", active,
                     starts, rng.choice(VENUES), "Europe/Berlin", now, now))
        pick = rng.sample(range(len(WORDS["en"])), 2)
        for locale in LOCALES:
            name = f"{WORDS[locale][pick[0]]} {WORDS[locale][pick[1]]} {pid}"
            texts.append((pid, locale, name, DESCRIPTION[locale].format(n=name)))
    return rows, texts


def seed(database_url, data_dir, argon2):
    rng = random.Random(8)
    now = datetime.now(timezone.utc)
    password_hash = PasswordHasher(**argon2).hash(PASSWORD)
    data_dir.mkdir(parents=True, exist_ok=True)
    conninfo = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        product_rows, texts = products(now, rng)
        copy(cursor, "catalog_product", ("id", "category", "price", "sale", "final_price",
             "stock_quantity", "images", "is_active", "starts_at", "venue", "timezone",
             "created_at", "updated_at"), product_rows)
        copy(cursor, "catalog_product_translation",
             ("product_id", "locale", "name", "description"), texts)
        active = [row[0] for row in product_rows if row[7] and row[0] != FLASH_PRODUCT]
        names = {pid: {} for pid in active}
        for pid, locale, name, _description in texts:
            if pid in names:
                names[pid][locale] = name
        starts = {row[0]: (row[8], row[9]) for row in product_rows}

        users = range(1, SIZES["users"] + 1)
        copy(cursor, "user", ("id", "email", "password_hash", "first_name", "last_name",
             "locale", "is_active", "email_verified_at", "created_at", "twofa_enabled"),
             ((uid, f"user{uid}@bench.example", password_hash, "Alex", f"Buyer{uid}",
               LOCALES[uid % 3], True, now, now, False) for uid in users))
        employees = range(1, SIZES["employees"] + 1)
        copy(cursor, "user_role", ("user_id", "role"),
             ((uid, "employee" if uid in employees else "customer") for uid in users))

        token_users = range(101, 101 + SIZES["user_tokens"])
        tokens = {uid: f"bench-token-{uid}-{uuid.uuid4().hex}"
                  for uid in (*employees, *token_users, *FLASH_BUYERS, *PIPELINE_BUYERS)}
        copy(cursor, "auth_token", ("user_id", "digest", "created_at", "expires_at"),
             ((uid, digest(token), now, now + timedelta(days=7)) for uid, token in tokens.items()))

        guest_carts = [uuid.uuid4() for _ in range(SIZES["guest_carts"])]
        user_carts = {uid: uuid.uuid4() for uid in token_users}
        flash_carts = {uid: uuid.uuid4() for uid in FLASH_BUYERS}
        pipeline_carts = {uid: uuid.uuid4() for uid in PIPELINE_BUYERS}
        copy(cursor, "cart_cart", ("id", "user_id", "created_at", "updated_at"),
             [(cid, None, now, now) for cid in guest_carts]
             + [(cid, uid, now, now) for uid, cid in (*user_carts.items(), *flash_carts.items(),
                                                      *pipeline_carts.items())])
        copy(cursor, "cart_item", ("cart_id", "product_id", "quantity"),
             [(cid, pid, rng.randint(1, 4))
              for cid in (*guest_carts, *user_carts.values())
              for pid in rng.sample(active, 3)]
             + [(cid, FLASH_PRODUCT, 1) for cid in flash_carts.values()]
             + [(cid, active[(uid + n) % len(active)], 2 - n)
                for uid, cid in pipeline_carts.items() for n in range(uid % 2 + 1)])

        # every payment bought two tickets of one product; each has its invoice
        payments = [(pay_id, str(uuid.uuid4()), rng.randint(1, SIZES["users"]),
                     active[(pay_id - 1) % len(active)])
                    for pay_id in range(1, SIZES["tickets"] // 2 + 1)]
        prices = {row[0]: row[4] for row in product_rows}
        list_prices = {row[0]: row[2] for row in product_rows}
        copy(cursor, "payments_payment", ("id", "uuid", "user_id", "status", "provider",
             "amount", "refunded_amount", "currency", "locale", "intent_id", "stock_held",
             "created_at", "paid_at", "fulfilled_at"),
             ((pay_id, pay_uuid, uid, "paid", "stripe", 2 * prices[pid], 0, "EUR", "de",
               f"pi_bench_{pay_id}", True, now, now, now)
              for pay_id, pay_uuid, uid, pid in payments))
        copy(cursor, "payments_line", ("payment_id", "product_id", "name", "quantity",
             "list_price", "unit_price", "line_total"),
             ((pay_id, pid, names[pid]["de"], 2, list_prices[pid], prices[pid], 2 * prices[pid])
              for pay_id, _uuid, _uid, pid in payments))
        copy(cursor, "invoicing_invoice", ("number", "payment_id", "payment_uuid", "user_id",
             "total", "refunded_amount", "currency", "filename", "created_at", "updated_at"),
             ((f"{now.year}-{pay_id:06d}", pay_id, pay_uuid, uid, 2 * prices[pid], 0, "EUR",
               uuid.uuid4().hex + ".pdf", now, now) for pay_id, pay_uuid, uid, pid in payments))
        cursor.execute("INSERT INTO invoicing_counter (year, last) VALUES (%s, %s)",
                       (now.year, len(payments)))

        ticket_tokens = [uuid.uuid4() for _ in range(SIZES["tickets"])]
        used = SIZES["tickets"] - SIZES["used_tickets"]

        def tickets():
            for index, token in enumerate(ticket_tokens):
                pay_id, pay_uuid, uid, pid = payments[index // 2]
                starts_at, venue = starts[pid]
                is_used = index >= used
                yield (index + 1, token, "used" if is_used else "issued",
                       uid, pay_id, pay_uuid, pid,
                       index % 2 + 1, "de", "Alex Buyer", json.dumps(names[pid]), starts_at,
                       starts_at.date(), "Europe/Berlin", venue, uuid.uuid4().hex + ".pdf",
                       uuid.uuid4().hex + ".png", now,
                       now if is_used else None, 1 if is_used else None)

        copy(cursor, "tickets_ticket", ("id", "token", "status", "user_id", "payment_id",
             "payment_uuid", "product_id", "number", "locale", "holder", "event_names",
             "starts_at", "event_date", "timezone", "venue", "pdf_name", "qr_name",
             "created_at", "used_at", "used_by_id"), tickets())
        copy(cursor, "scanning_scan", ("ticket_id", "scanned_by_id", "scanned_at"),
             ((index + 1, 1, now) for index in range(used, SIZES["tickets"])))
        for table, column in (("catalog_product", "id"), ("user", "id"),
                              ("payments_payment", "id"), ("payments_line", "id"),
                              ("invoicing_invoice", "id"), ("tickets_ticket", "id")):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                           f"(SELECT max({column}) FROM \"{table}\"))")
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")

    files = {
        "products.txt": active,
        "employee_tokens.txt": [tokens[uid] for uid in employees],
        "user_tokens.txt": [tokens[uid] for uid in token_users],
        "guest_carts.txt": guest_carts,
        "fresh_tickets.txt": ticket_tokens[:used],
        "used_tickets.txt": ticket_tokens[used:],
        "logins.txt": [f"user{uid}@bench.example" for uid in range(2001, 4001)],
        "flash_tokens.txt": [tokens[uid] for uid in FLASH_BUYERS],
        "pipeline_tokens.txt": [tokens[uid] for uid in PIPELINE_BUYERS],
    }
    for name, values in files.items():
        (data_dir / name).write_text("".join(f"{value}\n" for value in values))
    return {"password": PASSWORD, **SIZES, "translations": len(texts),
            "paid_payments": len(payments), "flash_product": FLASH_PRODUCT}


def main(ini_path, data_dir):
    from pyramid.paster import get_appsettings

    from ticketing.settings import CORE_SETTINGS, parse_settings

    settings = get_appsettings(ini_path)
    url = settings["sqlalchemy.url"]
    server, name = url.rsplit("/", 1)
    recreate(server.replace("postgresql+psycopg://", "postgresql://") + "/postgres", name)
    migrate(settings)
    parsed = parse_settings(settings, CORE_SETTINGS)  # the app's Argon2 cost, defaults included
    argon2 = {key: parsed[f"ticketing.argon2.{key}"]
              for key in ("time_cost", "memory_cost", "parallelism")}
    print(json.dumps(seed(url, Path(data_dir), argon2)))


if __name__ == "__main__":
    main(*sys.argv[1:3])
