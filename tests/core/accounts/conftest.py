"""Fixtures of the account tests: the core app alone plus a probe plugin recording the
``ticketing_user_logged_in`` events, and helpers reading e-mails and computing TOTP codes
with an independent implementation (oathtool)."""
import re
import subprocess
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from ticketing import hookimpl
from tests.support.services import require_tool


class LoginProbe:
    """A plugin recording the logins it is told of."""

    def __init__(self):
        self.logins = []

    @hookimpl
    def ticketing_user_logged_in(self, request, user, guest_cart_id):
        self.logins.append((user.email, guest_cart_id))


PROBE = LoginProbe()


@pytest.fixture
def app(make_app):
    PROBE.logins.clear()
    return make_app(plugins=("login_probe",), plugin_modules={"login_probe": PROBE})


@pytest.fixture
def probe():
    return PROBE


def link_in(message, prefix):
    """The first URL in the text part of ``message`` starting with ``prefix``."""
    text = message.get_body(("plain",)).get_content()
    urls = [url for url in re.findall(r"https?://\S+", text) if url.startswith(prefix)]
    assert urls, f"no link starting with {prefix} in:\n{text}"
    return urls[0]


def path_of(url):
    """The path and query of ``url``, to request from the WebTest app."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def query_of(url):
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def totp(secret, offset_seconds=0):
    """The TOTP code of ``secret`` at now + ``offset_seconds``, computed by oathtool."""
    moment = int(time.time()) + offset_seconds
    return subprocess.run(
        [require_tool("oathtool"), "--totp", "--base32", f"--now=@{moment}", secret],
        check=True, capture_output=True, text=True,
    ).stdout.strip()


def result_page(response):
    """The outcome of an e-mail link: the last segment of its redirect."""
    assert response.status_int == 302
    assert response.location.startswith("http://front.test/verification-result/")
    return response.location.rsplit("/", 1)[1]
