"""Debian's nginx run with the shipped ``deploy/nginx.conf``, as a child process of the test."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.services import unavailable

DEPLOY_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
STARTUP_SECONDS = 10
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


@dataclass
class Nginx:
    """A running nginx and its files."""

    base_url: str
    port: int
    process: subprocess.Popen[bytes]
    prefix: Path

    def access_lines(self) -> list[str]:
        """nginx's access log so far."""
        path = self.prefix / "access.log"
        return path.read_text().splitlines() if path.exists() else []

    def stop(self) -> None:
        """Stop nginx and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def nginx_binary() -> str:
    """nginx on PATH (or in /usr/sbin); skip locally, fail in CI, when it is missing."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        unavailable("nginx is not installed (apt-get install nginx)")
        raise AssertionError("unreachable")
    return found


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx.conf no longer has exactly one {old!r}"
    return text.replace(old, new)


def render_conf(prefix: Path, listen_port: int, upstream_port: int) -> str:
    """The shipped configuration with this test's ports and files; every other line as shipped."""
    text = DEPLOY_CONF.read_text()
    text = _replace_once(text, "listen 80;", f"listen 127.0.0.1:{listen_port};")
    text = _replace_once(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    # Workers run as whoever runs the test (nginx ignores `user` unless started as root).
    text = _replace_once(text, "user www-data;", f"user {pwd.getpwuid(os.geteuid()).pw_name};")
    text = _replace_once(text, "/run/nginx-stampgate.pid", str(prefix / "nginx.pid"))
    text = _replace_once(
        text, "/var/log/nginx/stampgate-error.log crit", f"{prefix}/error.log info"
    )
    text = _replace_once(text, "/var/log/nginx/stampgate-access.log", str(prefix / "access.log"))
    temp = "".join(f"    {name}_temp_path {prefix / name};\n" for name in TEMP_PATHS)
    return _replace_once(text, "http {\n", "http {\n" + temp)


def start_nginx(prefix: Path, listen_port: int, upstream_port: int) -> Nginx:
    """Start nginx in the foreground with its own prefix; return once it accepts connections."""
    binary = nginx_binary()
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(render_conf(prefix, listen_port, upstream_port))
    command = [binary, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    running = Nginx(f"http://127.0.0.1:{listen_port}", listen_port, process, prefix)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, (prefix / "error.log").read_text()
        try:
            socket.create_connection(("127.0.0.1", listen_port), timeout=1).close()
        except OSError:
            time.sleep(0.05)
            continue
        return running
    running.stop()
    raise AssertionError("nginx did not start")
