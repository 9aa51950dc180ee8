"""Real services for tests: an SMTP server (aiosmtpd), a WSGI server on a free port,
and the command-line tools used to check artefacts independently."""
import email
import email.policy
import shutil
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from waitress.server import create_server


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Messages received by the SMTP server, parsed as ``email.message.EmailMessage``."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()
        return "250 Message accepted for delivery"

    def clear(self):
        with self._lock:
            self.messages.clear()

    def wait_for(self, count=1, timeout=10.0, to=None):
        """Wait until ``count`` messages (to ``to``, if given) arrived; return them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.messages if to is None or to in m["To"]]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} e-mail(s) to {to or 'anyone'}, got {len(found)}"
                    )
                self._lock.wait(remaining)


def start_smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox


class LiveServer:
    """A WSGI application served by waitress on 127.0.0.1 in a background thread."""

    def __init__(self, app):
        self.server = create_server(app, host="127.0.0.1", port=free_port(), threads=8,
                                    clear_untrusted_proxy_headers=True)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.stopped = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.server.run()
        except OSError:  # stop() closed the socket under the select loop
            if not self.stopped:
                raise

    def stop(self):
        self.stopped = True
        self.server.close()


def require_tool(name):
    """Path of a command-line tool; fails loudly when the install did not bring it."""
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"{name} is not installed: run `make setup` (scripts/system-deps.sh)")
    return path


def in_parallel(calls):
    """Run the calls on threads released together by a barrier; their results."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))
