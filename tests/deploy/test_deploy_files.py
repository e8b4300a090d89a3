"""The files an IT officer copies from deploy/ are valid and agree with the code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bench.caddy_front import CADDYFILE, DEPLOY, caddy_binary

DOCS = DEPLOY.parent / "docs" / "deploy.md"


def test_caddyfile_validates_with_caddy():
    binary = caddy_binary()
    if binary is None:
        pytest.skip("Caddy is not installed (Debian package caddy)")
    env = {"SARABAN_SITE": "saraban.example.go.th", "SARABAN_TLS": "it@example.go.th",
           "SARABAN_UPSTREAMS": "10.0.0.11:8000 10.0.0.12:8000", "PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    done = subprocess.run([binary, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    config = done.stdout
    assert '"max_size":1000000' in config and '"uri":"/healthz"' in config
    assert "10.0.0.11:8000" in config and "10.0.0.12:8000" in config


def test_env_template_names_only_real_settings():
    from saraban.settings import Settings

    names = re.findall(r"^(SARABAN_[A-Z_]+)=", (DEPLOY / "saraban.env.example").read_text(), re.M)
    known = {f"SARABAN_{f.upper()}" for f in Settings.model_fields} | {"SARABAN_BACKUP_DIR"}
    assert names and set(names) <= known, set(names) - known


def test_systemd_units_are_hardened_and_restart():
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {u.name for u in units} >= {"saraban@.service", "saraban-worker.service", "saraban-backup.service"}
    for unit in units:
        text = unit.read_text()
        for must in ("User=saraban", "NoNewPrivileges=yes", "ProtectSystem=strict", "EnvironmentFile=/etc/saraban/saraban.env"):
            assert must in text, (unit.name, must)
        if unit.name != "saraban-backup.service":
            assert "Restart=always" in text
    serve = (DEPLOY / "systemd" / "saraban@.service").read_text()
    assert "saraban serve" in serve and "--no-worker" in serve
    if shutil.which("systemd-analyze"):
        done = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True)
        problems = [line for line in done.stderr.splitlines()
                    if "Unknown key" in line or "Invalid" in line or "Failed to parse" in line]
        assert not problems, problems


def test_alert_rules_use_metrics_the_app_exports(runtime):
    """Every saraban_* series an alert reads is one /metrics serves."""
    from fastapi.testclient import TestClient

    from saraban.app import create_app
    from saraban.settings import Settings

    rules = yaml.safe_load((DEPLOY / "prometheus-alerts.yml").read_text())
    exprs = " ".join(r["expr"] for g in rules["groups"] for r in g["rules"])
    used = set(re.findall(r"\b(saraban_[a-z_]+)", exprs))
    with TestClient(create_app(Settings(_env_file=None, database_url="sqlite://", demo=True, run_worker=False),
                               runtime=runtime)) as client:
        client.get("/healthz")
        exported = client.get("/metrics").text
    from registry.system import beat

    with runtime.transaction() as s:  # the heartbeat and LINE quota series appear once a worker beats
        now = runtime.clock.now()
        beat(s, name="worker@test:1", kind="worker", version="t", started_at=now, at=now,
             info={"line": {"quota_type": "limited", "quota": 500, "used": 3}})
    with TestClient(create_app(Settings(_env_file=None, database_url="sqlite://", demo=True, run_worker=False),
                               runtime=runtime)) as client:
        exported += client.get("/metrics").text
    names = set(re.findall(r"^(?:# TYPE )?(saraban_[a-z_]+)", exported, re.M))
    missing = {u for u in used if u not in names and not any(n.startswith(u) for n in names)}
    assert not missing, missing


def test_the_guide_names_the_files_and_commands_that_exist():
    guide = DOCS.read_text()
    for path in re.findall(r"(?<![\w/])deploy/[\w./@-]+", guide):
        assert (DEPLOY.parent / path.rstrip(".")).exists(), path
    from saraban.cli import app

    import typer.main

    group = typer.main.get_command(app)
    for command in set(re.findall(r"saraban (setup line|setup telegram|restore|backup|init|verify|worker|serve)\b", guide)):
        parts = command.split()
        cmd = group
        for part in parts:
            cmd = cmd.commands[part]  # type: ignore[attr-defined]
    assert Path(DOCS).stat().st_size > 3000
