"""Celery, configured from the same ini file as the web application.

Tasks that read rows written by a request are sent only once that request's
transaction committed (:func:`after_commit`); every task opens its own request and
transaction with :func:`task_request`. Development runs tasks eagerly, still after
commit. A worker is started with ``celery -A ticketing.worker worker``.
"""
import logging
from contextlib import contextmanager

from celery import Celery
from pyramid.scripting import prepare

log = logging.getLogger(__name__)

celery_app = Celery("ticketing")


def configure(registry):
    settings = registry.settings
    if celery_app.conf.broker_url != settings["celery.broker_url"]:
        # another application in this process (tests) used another broker: forget the
        # pools Celery keeps for it (kombu caches them per URL, so they are not closed)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    celery_app.conf.update(
        broker_url=settings["celery.broker_url"],
        task_always_eager=settings["celery.always_eager"],
        task_default_queue=settings["celery.queue"],
        task_eager_propagates=False,
        task_acks_late=True,  # a task whose worker dies is delivered again
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600},
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2,
                                   "interval_step": 0.5, "interval_max": 1},
        timezone="UTC",
    )
    celery_app.pyramid_registry = registry
    registry["celery_app"] = celery_app


def schedule(name, task, seconds):
    """Run ``task`` every ``seconds`` under ``celery beat``."""
    celery_app.conf.beat_schedule = {
        **(celery_app.conf.beat_schedule or {}),
        name: {"task": task.name, "schedule": seconds},
    }


def after_commit(request, task, *args, **kwargs):
    """Send ``task`` once the current transaction commits (never if it aborts). A send
    that fails (broker down) is logged; the periodic sweeps re-drive the work."""

    def send(committed):
        if not committed:
            return
        try:
            task.apply_async(args, kwargs)
        except Exception:  # broker unreachable: the sweep re-drives it later
            log.exception("could not enqueue %s%r", task.name, args)

    request.tm.get().addAfterCommitHook(send)


@contextmanager
def task_request():
    """A request with its own transaction, for work outside a web request. Commits when
    the block ends normally, aborts when it raises."""
    env = prepare(registry=celery_app.pyramid_registry)
    request = env["request"]
    try:
        with request.tm:
            yield request
    finally:
        env["closer"]()


def includeme(config):
    configure(config.registry)
