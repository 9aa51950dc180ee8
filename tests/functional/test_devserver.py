"""``make run`` (scripts/devserver.py) on a copy of development.ini with free ports: it
migrates a new SQLite database, loads the demo data, starts localstripe and the API, and
Ctrl-C stops all of it."""
import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.services import free_port

ROOT = Path(__file__).resolve().parents[2]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.loads(response.read()) if "json" in response.headers["Content-Type"] \
                else response.status
    except OSError:
        return None


def test_make_run_serves_everything_and_ctrl_c_stops_it(tmp_path):
    api, stripe = free_port(), free_port()
    ini = (ROOT / "development.ini").read_text()
    ini = ini.replace("127.0.0.1:6543", f"127.0.0.1:{api}").replace(
        "127.0.0.1:8420", f"127.0.0.1:{stripe}")
    (tmp_path / "development.ini").write_text(ini)
    ignore_ctrl_c = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `make run &`
    server = subprocess.Popen([sys.executable, "-m", "scripts.devserver",
                               str(tmp_path / "development.ini")], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              preexec_fn=ignore_ctrl_c)
    try:
        printed = ""
        while "Ctrl-C stops everything" not in printed:
            line = server.stdout.readline()
            assert line, f"the dev server stopped:\n{printed}"
            printed += line
        assert "admin     admin@example.com" in printed
        deadline = time.monotonic() + 30
        products = None
        while products is None and time.monotonic() < deadline:  # binds after the banner
            products = answers(f"http://127.0.0.1:{api}/api/products")
            time.sleep(0.1)
        assert products["meta"]["total"] == 4, products
        assert answers(f"http://127.0.0.1:{stripe}/js.stripe.com/v3/") == 200
        assert list((tmp_path / "var").iterdir())  # the database lives under var/
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.terminate()  # still stops localstripe: SIGTERM is handled too
            server.communicate()
    assert server.returncode == 0
    assert answers(f"http://127.0.0.1:{stripe}/js.stripe.com/v3/") is None
    assert answers(f"http://127.0.0.1:{api}/api/products") is None
