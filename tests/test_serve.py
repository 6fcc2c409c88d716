"""``afscope serve``: a real server on a free port answers with the page and stops cleanly
on SIGINT and SIGTERM; the command, the loopback warning and the missing extra."""

from __future__ import annotations

import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")

from afscope.cli.main import main
from afscope.cli.serve_cmd import explorer_command, is_loopback

STARTUP_LIMIT = 60.0
"""Generous: the machine is shared; a server that never answers fails here, never hangs."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page(port: int, proc: subprocess.Popen) -> str:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not answer")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_server_answers_on_its_port_and_stops_on_a_signal(sig, tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "afscope", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        page = _page(port, proc)
        assert "<html" in page and f"ws://127.0.0.1:{port}/ws" in page
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err.decode(errors="replace")
    assert b"Traceback" not in err and b"Traceback" not in out
    with pytest.raises(OSError):  # the port is free again
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


def test_the_served_command_is_this_afscope_on_the_path(tmp_path):
    words = shlex.split(explorer_command(tmp_path / "my data", "cats.toml"))
    assert words[:4] == [sys.executable, "-m", "afscope", "open"]
    assert words[-1] == str(tmp_path / "my data")
    assert words[4:6] == ["--categories", str(Path("cats.toml").absolute())]
    assert shlex.split(explorer_command(None)) == [sys.executable, "-m", "afscope", "open"]
    assert (Path(__file__).resolve().parents[1] / "afscope" / "__main__.py").is_file()


def test_loopback_hosts():
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.1.2.3"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.5", "example.org"))


def test_non_loopback_host_is_warned_about(monkeypatch, capsys):
    started = []
    monkeypatch.setattr(
        "textual_serve.server.Server.serve", lambda self, debug=False: started.append(self)
    )
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err
    [server] = started
    assert (server.host, server.port) == ("0.0.0.0", 8123)
    assert main(["serve"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_bad_input_exits_2(tmp_path, capsys):
    assert main(["serve", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["serve", str(tmp_path)]) == 2  # nothing afscope can read
    assert "not a result bundle" in capsys.readouterr().err
    assert main(["serve", "--port", "0"]) == 2
    assert "--port" in capsys.readouterr().err


def test_missing_extra_names_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'afscope[serve]'" in err and "Traceback" not in err
