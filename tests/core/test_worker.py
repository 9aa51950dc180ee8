"""A real Celery worker on the Redis broker runs the tasks the app sends after commit."""
import os
import subprocess
import sys
import uuid

import pytest

from tests.core.test_mail import queue_test_mail

REDIS_URL = os.environ.get("TICKETING_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_broker():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {error} (.ci/run starts it)")
    return REDIS_URL


@pytest.fixture
def worker(app_settings, redis_broker, tmp_path, make_app):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings = {**app_settings, "celery.broker_url": redis_broker,
                "celery.always_eager": "false", "celery.queue": queue}
    ini = tmp_path / "worker.ini"
    ini.write_text("[app:main]\nuse = egg:ticketing\n" + "".join(
        f"{key} = {value}\n" for key, value in settings.items()))
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ticketing.worker", "worker", "--pool=solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue,
         "--loglevel=INFO"],
        env={**os.environ, "TICKETING_INI": str(ini)}, stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    app = make_app(**{"celery.broker_url": redis_broker, "celery.always_eager": "false",
                      "celery.queue": queue})
    yield app, process, log
    process.terminate()
    process.wait(timeout=20)


def test_a_worker_sends_the_mail_queued_by_a_committed_transaction(worker, mailbox):
    _app, process, log = worker
    queue_test_mail("worker@example.com")
    try:
        (message,) = mailbox.wait_for(1, to="worker@example.com", timeout=45)
    except AssertionError:
        raise AssertionError("worker did not deliver; its log:\n" + log.read_text()) from None
    assert process.poll() is None
    assert "Hello" in message.get_body(("plain",)).get_content()
