"""``afscope serve [PATH]``: the explorer in a web browser, through textual-serve.

textual-serve (the optional ``afscope[serve]`` extra) runs a small web server; each
browser that connects gets its own explorer process, started as this same afscope (this
Python, ``-m afscope open PATH``), so the served explorer is exactly the installed one.
The server binds to the loopback interface by default: colleagues on the same machine or
through an SSH tunnel can reach it, the network cannot; binding elsewhere is warned about
(the explorer has no login). Exports from a browser session arrive as downloads
(``tui.exporting``).
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys
from pathlib import Path

from afscope.cli.analysis_args import fail
from afscope.cli.paths import add_path_argument, resolve_path, source_kind

HELP = "serve the explorer to a web browser (textual-serve)"
EXTRA_HINT = "pip install 'afscope[serve]'"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help=HELP, description=HELP)
    add_path_argument(parser)
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, when it differs from http://HOST:PORT "
        "(a tunnel to another local port, a host name)",
    )
    parser.add_argument("--categories", metavar="FILE", help="TOML: category = [regexes]")
    parser.add_argument("--notes", metavar="FILE", help="notes file for the explorer")
    parser.set_defaults(run=run)


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (reachable from this machine only)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def explorer_command(
    path: Path | None, categories: str | None = None, notes: str | None = None
) -> str:
    """The shell command each browser session runs: this Python's afscope on ``path``."""
    parts = [sys.executable, "-m", "afscope", "open"]
    if categories:
        parts += ["--categories", str(Path(categories).absolute())]
    if notes:
        parts += ["--notes", str(Path(notes).absolute())]
    if path is not None:
        parts.append(str(path.absolute()))
    return " ".join(shlex.quote(p) for p in parts)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise fail("serve", f"--port: expected 1-65535, got {args.port}")
    try:
        from textual_serve.server import Server
    except ImportError:
        raise fail(
            "serve",
            f"serving in a browser needs textual-serve, which is not installed: {EXTRA_HINT}",
        ) from None
    path = resolve_path(args.path)
    source_kind(path)  # nothing afscope can read: exit 2 now, not in every browser
    if args.categories and not Path(args.categories).is_file():
        raise fail("serve", f"--categories {args.categories}: no such file")
    if not is_loopback(args.host):
        print(
            f"warning: listening on {args.host}: anyone who can reach this machine on port "
            f"{args.port} can use the explorer and read the data (there is no login); "
            "prefer the default 127.0.0.1 and an SSH tunnel",
            file=sys.stderr,
        )
    command = explorer_command(None if args.path is None else path, args.categories, args.notes)
    url = args.public_url or f"http://{_url_host(args.host)}:{args.port}"
    print(
        f"afscope: serving the explorer at {url} (Ctrl+C stops). From another machine: "
        f"ssh -L {args.port}:localhost:{args.port} {socket.gethostname()}, then open "
        f"http://localhost:{args.port}",
        file=sys.stderr,
    )
    server = Server(
        command,
        host=args.host,
        port=args.port,
        title="afscope",
        public_url=args.public_url,
    )
    try:
        server.serve()
    except OSError as exc:  # the port is taken, the address is not this machine's
        raise fail(
            "serve", f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc})"
        ) from None
    return 0
