"""Run Debian's Caddy with the project's own ``deploy/Caddyfile`` on 127.0.0.1 (``tls internal``),
in front of one or more app servers: for tests/deploy and ``saraban bench webhook --caddy``.

The production file is used as it is; only its environment differs (a loopback site with Caddy's
internal CA, no admin endpoint, no redirect listener on :80, its own data directory), so what the
tests hold is the configuration an IT officer installs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
CADDYFILE = DEPLOY / "Caddyfile"


def caddy_binary() -> str | None:
    return shutil.which("caddy")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CaddyFront:
    def __init__(self, upstreams: list[str], workdir: Path, *, port: int | None = None) -> None:
        self.upstreams = upstreams
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = None

    @property
    def ca_file(self) -> Path:
        """Caddy's internal root certificate: clients verify the site against it."""
        return self.workdir / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def env(self) -> dict[str, str]:
        self.workdir.mkdir(parents=True, exist_ok=True)
        return {**os.environ,
                "SARABAN_SITE": self.url, "SARABAN_TLS": "internal", "SARABAN_UPSTREAMS": " ".join(self.upstreams),
                "SARABAN_CADDY_ADMIN": "off",
                "SARABAN_CADDY_GLOBAL": f"skip_install_trust\n\tauto_https disable_redirects\n\thttp_port {free_port()}",
                "SARABAN_CADDY_LOG": str(self.workdir / "access.log"),
                "XDG_DATA_HOME": str(self.workdir / "data"), "XDG_CONFIG_HOME": str(self.workdir / "config"),
                "HOME": str(self.workdir)}

    def start(self, *, timeout: float = 60) -> CaddyFront:
        binary = caddy_binary()
        if binary is None:
            raise RuntimeError("caddy is not installed (Debian package caddy)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log = open(self.workdir / "caddy.log", "wb")  # noqa: SIM115 - open while Caddy runs
        self.proc = subprocess.Popen([binary, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                                     env=self.env(), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("caddy exited at start: " + (self.workdir / "caddy.log").read_text()[-2000:])
            if self.ca_file.exists():
                try:
                    if httpx.get(self.url + "/healthz", verify=str(self.ca_file), timeout=5).status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
        raise RuntimeError("caddy did not answer /healthz: " + (self.workdir / "caddy.log").read_text()[-2000:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.log is not None:
            self.log.close()
