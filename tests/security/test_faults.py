"""Faults: the database going away under traffic, a broker that is down, SMTP down while
a real worker sends, and a worker killed mid-task. Each fault is injected for one app
through a TCP proxy (tests/support/faults.py), so other tests sharing PostgreSQL, Redis
and SMTP are unaffected."""
import functools
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests
from sqlalchemy import select

from ticketing.mail import OutboxMessage
from tests.core.test_mail import queue_test_mail
from tests.core.test_worker import REDIS_URL
from tests.support.faults import TcpProxy
from tests.support.services import LiveServer, in_parallel

pytestmark = pytest.mark.postgresql


@pytest.fixture
def proxy():
    proxies = []

    def start(port):
        proxies.append(TcpProxy(port))
        return proxies[-1]

    yield start
    for item in proxies:
        item.close()


def get(server, path, **kwargs):
    response = requests.get(server.url + path, timeout=60, **kwargs)
    assert response.headers["Content-Type"].startswith("application/json"), response.text
    return response


def test_a_database_outage_is_a_json_503_and_the_app_recovers_by_itself(
        make_app, engine, proxy, world):
    database = proxy(engine.url.port)
    app = make_app(**{"sqlalchemy.url": engine.url.set(port=database.port).render_as_string(
        hide_password=False)})
    server = LiveServer(app.app)
    paths = ["/api/products", "/api/users/me", f"/api/products/{world.product.id}"]
    headers = world.headers["customer"]
    traffic = functools.partial(lambda: [get(server, path, headers=headers).status_code
                                         for path in paths])
    try:
        assert in_parallel([traffic] * 4) == [[200] * 3] * 4

        database.cut()  # connections in the pool die, new ones are refused
        for statuses in in_parallel([traffic] * 4):
            assert statuses == [503] * 3
        down = get(server, "/api/products", headers={"Accept-Language": "fr"})
        assert down.json()["code"] == "service_unavailable"
        assert down.headers["Content-Language"] == "fr" and down.headers["Retry-After"]
        assert get(server, "/api/health").json()["checks"]["database"] == "down"

        database.restore()
        assert in_parallel([traffic] * 4) == [[200] * 3] * 4

        database.cut()  # a restart nobody noticed: the pool still holds dead connections
        database.restore()
        assert in_parallel([traffic] * 4) == [[200] * 3] * 4
    finally:
        server.stop()


def test_with_the_broker_down_the_api_serves_and_keeps_the_mail(make_app, proxy, db):
    broker = proxy(int(REDIS_URL.rsplit(":", 1)[1].split("/")[0]))
    broker.cut()
    app = make_app(**{"celery.broker_url": f"redis://127.0.0.1:{broker.port}/15",
                      "celery.always_eager": "false"})
    app.post_json("/api/auth/register", {
        "first_name": "Bo", "last_name": "Broker", "email": "broker@example.com",
        "password": "a-long-password-1", "password_confirmation": "a-long-password-1"},
        status=201)
    (row,) = db.scalars(select(OutboxMessage)).all()
    assert row.recipient == "broker@example.com" and row.sent_at is None  # the sweep's
    assert app.get("/api/products").status_int == 200
    health = app.get("/api/health").json
    assert health == {"status": "degraded", "checks": {"database": "ok", "broker": "down"}}


@pytest.fixture
def start_worker(app_settings, make_app, tmp_path):
    """``start_worker(**settings)`` → (app, worker process, log path): a prefork worker
    (one child) on Redis, and an app sending to its queue."""
    processes = []

    def start(**overrides):
        queue = f"faults-{uuid.uuid4().hex[:8]}"
        settings = {**app_settings, "celery.broker_url": REDIS_URL,
                    "celery.always_eager": "false", "celery.queue": queue, **overrides}
        ini = tmp_path / "worker.ini"
        ini.write_text("[app:main]\nuse = egg:ticketing\n" + "".join(
            f"{key} = {value}\n" for key, value in settings.items()))
        log = tmp_path / "worker.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ticketing.worker", "worker",
             "--pool=prefork", "--concurrency=1", "--without-heartbeat", "--without-gossip",
             "--without-mingle", "-Q", queue, "--loglevel=INFO"],
            env={**os.environ, "TICKETING_INI": str(ini)}, stdout=log.open("wb"),
            stderr=subprocess.STDOUT)
        processes.append(process)
        return make_app(**{key: value for key, value in settings.items()
                           if key not in app_settings or app_settings[key] != value}), \
            process, log

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def sent_row(db, timeout=30):
    """The outbox row once its task committed ``sent_at`` (the mail arrives just before)."""
    deadline = time.monotonic() + timeout
    while True:
        db.expire_all()
        row = db.scalars(select(OutboxMessage)).one()
        if row.sent_at is not None or time.monotonic() > deadline:
            return row
        time.sleep(0.05)


def children_of(pid):
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def test_smtp_down_then_back_the_worker_delivers_once(start_worker, proxy, mailbox, db, smtp):
    relay = proxy(smtp[0].port)
    relay.cut()
    _app, process, log = start_worker(**{"mail.port": str(relay.port)})
    queue_test_mail("retry@example.com")
    relay.accepted.wait(60)  # the worker tried, and was refused
    relay.restore()
    try:
        (message,) = mailbox.wait_for(1, to="retry@example.com", timeout=60)
    except AssertionError:
        raise AssertionError("not delivered; worker log:\n" + log.read_text()) from None
    row = sent_row(db)
    assert row.sent_at is not None and row.attempts >= 1 and "SMTP" in row.last_error
    assert process.poll() is None
    assert len([m for m in mailbox.messages if "retry@example.com" in m["To"]]) == 1


def test_a_worker_killed_mid_task_runs_it_again_once(start_worker, proxy, mailbox, db, smtp):
    relay = proxy(smtp[0].port)
    relay.stall()  # the first delivery hangs inside SMTP
    _app, process, log = start_worker(**{"mail.port": str(relay.port)})
    queue_test_mail("killed@example.com")
    assert relay.accepted.wait(60), log.read_text()
    (child,) = children_of(process.pid)
    relay.restore()
    os.kill(child, signal.SIGKILL)  # the pool child dies mid-task; the message is unacked
    try:
        mailbox.wait_for(1, to="killed@example.com", timeout=60)
    except AssertionError:
        raise AssertionError("not run again; worker log:\n" + log.read_text()) from None
    assert sent_row(db).sent_at is not None
    assert "WorkerLostError" in log.read_text()
    assert len([m for m in mailbox.messages if "killed@example.com" in m["To"]]) == 1
