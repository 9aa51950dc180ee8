"""Soak test: a mixed load for N minutes against gunicorn + PostgreSQL + a Celery worker
on Redis, all on 127.0.0.1, then a report: requests by kind and status, 5xx (must be 0),
latency, memory growth of the gunicorn workers after warm-up (must stay within 10 %),
and the invariants of the data (stock never negative, a ticket admitted at most once,
every e-mail sent, no cart line above the stock).

Usage: .venv/bin/python scripts/soak.py [--minutes 10] [--threads 8]
Needs PostgreSQL and Redis (scripts/services.sh). Exits 1 when a check fails.
"""
import argparse
import collections
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import PG_ADMIN_URL, PASSWORD, base_settings  # noqa: E402
from tests.plugins.catalog.factories import create_product  # noqa: E402
from tests.security.conftest import add_ticket  # noqa: E402
from tests.support.services import free_port  # noqa: E402

REDIS_URL = os.environ.get("TICKETING_SOAK_REDIS", "redis://127.0.0.1:6379/14")


def create_database():
    name = f"ticketing_soak_{os.getpid()}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return admin, name, PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def write_ini(directory, url):
    settings = {**base_settings(url), "celery.broker_url": REDIS_URL,
                "celery.always_eager": "false", "celery.queue": f"soak-{uuid.uuid4().hex[:8]}",
                "mail.folder": str(directory / "mail"), "ticketing.storage_dir":
                str(directory / "files"), "ticketing.throttle.max_per_address": "100000"}
    settings.pop("ticketing.stripe.api_base", None)
    ini = directory / "soak.ini"
    ini.write_text("[app:main]\nuse = egg:ticketing\n" + "".join(
        f"{key} = {value}\n" for key, value in settings.items()))
    return ini


class World:
    """What the load works on: users with tokens, products, tickets."""

    def __init__(self, engine, ini):
        from ticketing import make_config
        from ticketing.models import User
        from ticketing.passwords import hash_password
        from ticketing.security import issue_token, token_lifetime

        registry = make_config({**dict(_ini_items(ini))}).registry
        lifetime = token_lifetime(registry.settings, True)
        with Session(engine, expire_on_commit=False) as db:
            password_hash = hash_password(registry, PASSWORD)

            def user(email, roles):
                row = User(email=email, password_hash=password_hash, first_name="Soak",
                           last_name="User", email_verified_at=sa.func.now())
                row.roles = roles
                db.add(row)
                db.flush()
                return row, {"Authorization": f"Bearer {issue_token(db, row, lifetime)}"}

            self.customers = [user(f"customer{i}@example.com", ["customer"]) for i in range(20)]
            self.employee = user("gate@example.com", ["employee"])[1]
            self.admin = user("admin@example.com", ["admin"])[1]
            db.commit()
            self.products = [create_product(db, stock_quantity=50) for _ in range(10)]
            self.tickets = [str(add_ticket(db, registry, random.choice(self.customers)[0],
                                           random.choice(self.products)).token)
                            for _ in range(300)]
        registry["db_engine"].dispose()


def _ini_items(ini):
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini)
    return parser["app:main"].items()


class Load:
    def __init__(self, base, world, seed):
        self.base, self.world = base, world
        self.random = random.Random(seed)
        self.session = requests.Session()
        self.results = []  # (kind, status, seconds)

    def call(self, kind, method, path, **kwargs):
        started = time.monotonic()
        try:
            status = self.session.request(method, self.base + path, timeout=60,
                                          **kwargs).status_code
        except requests.RequestException:
            status = 599  # no answer at all counts as a server failure
        self.results.append((kind, status, time.monotonic() - started))

    def step(self):
        r, w = self.random, self.world
        product = r.choice(w.products).id
        customer = r.choice(w.customers)[1]
        choice = r.random()
        if choice < 0.35:
            self.call("browse", "GET", f"/api/products?page={r.randint(1, 2)}&per_page=5")
            self.call("browse", "GET", f"/api/products/{product}")
        elif choice < 0.65:
            self.call("cart", "PATCH", f"/api/cart/item/{product}",
                      json={"quantity": r.randint(0, 4)}, headers=customer)
            self.call("cart", "GET", "/api/cart", headers=customer)
        elif choice < 0.70:
            self.call("cart", "DELETE", "/api/cart/items", headers=customer)
        elif choice < 0.85:
            token = r.choice(w.tickets)
            self.call("scan", "GET", f"/api/tickets/scan/{token}", headers=w.employee)
            self.call("scan", "POST", f"/api/tickets/scan/{token}", headers=w.employee)
        elif choice < 0.92:
            self.call("account", "POST", "/api/auth/login", json={
                "email": f"customer{r.randint(0, 19)}@example.com", "password": PASSWORD})
            self.call("account", "GET", "/api/users/me", headers=customer)
        elif choice < 0.96:
            email = f"new-{uuid.uuid4().hex[:12]}@example.com"
            self.call("account", "POST", "/api/auth/register", json={
                "first_name": "New", "last_name": "User", "email": email,
                "password": PASSWORD, "password_confirmation": PASSWORD})
        else:
            self.call("admin", "GET", "/api/tickets?per_page=50", headers=w.admin)
            self.call("admin", "GET", "/api/users?per_page=50", headers=w.admin)


def rss_kib(pids):
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def children(pid):
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def wait_until_serving(base, process):
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during startup")
        try:
            if requests.get(base + "/api/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def invariants(engine):
    queries = {
        "products with negative stock": "SELECT count(*) FROM catalog_product WHERE stock_quantity < 0",
        "tickets admitted more than once": "SELECT count(*) FROM (SELECT ticket_id FROM scanning_scan "
                                           "GROUP BY ticket_id HAVING count(*) > 1) t",
        "used tickets without their admission": "SELECT count(*) FROM tickets_ticket t WHERE "
                                                "t.status = 'used' AND NOT EXISTS (SELECT 1 FROM "
                                                "scanning_scan s WHERE s.ticket_id = t.id)",
        "cart lines above the stock": "SELECT count(*) FROM cart_item i JOIN catalog_product p ON "
                                      "p.id = i.product_id WHERE i.quantity > p.stock_quantity "
                                      "OR i.quantity <= 0",
        "e-mails not sent": "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL",
    }
    with engine.connect() as connection:
        return {name: connection.execute(sa.text(sql)).scalar() for name, sql in queries.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    admin, name, url = create_database()
    directory = Path(tempfile.mkdtemp(prefix="soak-"))
    ini = write_ini(directory, url)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "TICKETING_INI": str(ini)}
    subprocess.run([bin_dir / "ticketing-db", str(ini), "upgrade"], check=True, env=env,
                   capture_output=True)
    engine = sa.create_engine(url)
    world = World(engine, ini)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (directory / "servers.log").open("wb")
    gunicorn = subprocess.Popen([bin_dir / "gunicorn", "--paste", str(ini), "-w",
                                 str(args.workers), "--threads", "4", "-b", f"127.0.0.1:{port}"],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen([bin_dir / "celery", "-A", "ticketing.worker", "worker",
                               "--pool=solo", "--without-heartbeat", "--without-gossip",
                               "--without-mingle", "-Q", _queue(ini), "--loglevel=WARNING"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(base, gunicorn)
        loads = [Load(base, world, seed) for seed in range(args.threads)]
        deadline = time.monotonic() + args.minutes * 60
        warm_at = time.monotonic() + args.minutes * 60 * 0.2
        memory = {}

        def drive(load):
            while time.monotonic() < deadline:
                load.step()

        threads = [threading.Thread(target=drive, args=(load,)) for load in loads]
        for thread in threads:
            thread.start()
        while time.monotonic() < deadline:
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            if "warm" not in memory and time.monotonic() >= warm_at:
                memory["warm"] = rss_kib(children(gunicorn.pid))
        memory["end"] = rss_kib(children(gunicorn.pid))
        for thread in threads:
            thread.join()
        for _ in range(600):  # let the worker drain the outbox (bounded)
            if invariants(engine)["e-mails not sent"] == 0:
                break
            time.sleep(0.1)
        return report([r for load in loads for r in load.results], memory,
                      invariants(engine), args)
    finally:
        for process in (gunicorn, worker):
            process.terminate()
            process.wait(timeout=30)
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _queue(ini):
    return dict(_ini_items(ini))["celery.queue"]


def report(results, memory, checks, args):
    by_kind = collections.defaultdict(collections.Counter)
    for kind, status, _seconds in results:
        by_kind[kind][status] += 1
    latencies = sorted(seconds for _kind, _status, seconds in results)
    server_errors = sum(1 for _kind, status, _seconds in results if status >= 500)
    growth = (memory["end"] - memory["warm"]) / memory["warm"] * 100
    print(f"soak: {args.minutes} min, {args.threads} client threads, {args.workers} gunicorn "
          f"workers: {len(results)} requests ({len(results) / (args.minutes * 60):.0f}/s)")
    for kind, statuses in sorted(by_kind.items()):
        print(f"  {kind:8} " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    print(f"  latency: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms")
    print(f"  5xx: {server_errors}")
    print(f"  gunicorn workers' memory: {memory['warm'] / 1024:.1f} MiB after warm-up, "
          f"{memory['end'] / 1024:.1f} MiB at the end ({growth:+.1f} %)")
    for name, count in checks.items():
        print(f"  {name}: {count}")
    failed = server_errors or growth > 10 or any(checks.values())
    print("soak: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
