"""`avvik doctor`: the checks an operator runs on a host before (and after) starting avvik, each answered in
Swedish with what to fix: configuration, database, migrations, an active release, the web build, the mail server
and the worker's heartbeat."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Callable

from engine.delivery.smtp import SmtpTransport, transport_from_url
from engine.health import Check

if TYPE_CHECKING:  # Engine.doctor runs these checks with itself
    from engine.api import Engine

__all__ = ["configuration", "web_build", "smtp", "run_all"]

_ASSET = re.compile(r'(?:src|href)="/(assets/[^"]+)"')


def configuration(read: list[Callable[[], object]]) -> Check:
    """Each reader parses one part of the environment (server settings, delivery settings); the first that
    refuses a value names it."""
    for reader in read:
        try:
            reader()
        except ValueError as exc:
            return Check("configuration_invalid", False, f"Konfigurationen är ogiltig: {exc}. Rätta variabeln "
                                                         "(se docs/operations.md).")
    return Check("configuration", True, "Miljövariablerna går att läsa.")


def web_build(dist: Path, sources: Path | None) -> Check:
    """The built app is there, every asset its page loads is there, and (in a source checkout) it is not older
    than its sources."""
    index = dist / "index.html"
    if not index.is_file():
        return Check("web_missing", False, f"Webbappen är inte byggd ({index} saknas). Kör `make web`, eller peka "
                                           "AVVIK_WEB_DIST på en byggd webbapp.")
    missing = [name for name in _ASSET.findall(index.read_text(encoding="utf-8")) if not (dist / name).is_file()]
    if missing:
        return Check("web_incomplete", False, f"Webbappens sida laddar filer som saknas ({', '.join(missing)}). "
                                              "Bygg om med `make web` och kopiera hela web/dist.")
    if sources is not None and sources.is_dir():
        newest = max((p.stat().st_mtime for p in sources.rglob("*") if p.is_file()), default=0.0)
        if newest > index.stat().st_mtime:
            return Check("web_outdated", False, "Webbappen är byggd från äldre källkod än den i web/src. Kör "
                                                "`make web`.")
    return Check("web", True, f"Webbappen är byggd ({dist}).")


def smtp(url: str | None) -> Check:
    try:
        transport = transport_from_url(url)
    except ValueError as exc:
        return Check("smtp_invalid", False, str(exc))
    if not isinstance(transport, SmtpTransport):
        return Check("smtp_log", True, "AVVIK_SMTP_URL är inte satt: e-post skrivs bara till arbetarens logg. "
                                       "Sätt den i produktion.")
    transport = replace(transport, timeout=10.0)
    try:
        transport.probe()
    except Exception as exc:  # noqa: BLE001 - any failure to talk to the server is the finding
        return Check("smtp_unreachable", False, f"E-postservern {transport.host}:{transport.port} svarar inte som "
                                                f"väntat ({type(exc).__name__}: {exc}). Kontrollera AVVIK_SMTP_URL, "
                                                "brandväggen och inloggningen.")
    return Check("smtp", True, f"E-postservern {transport.host}:{transport.port} svarar.")


def run_all(engine: Engine, settings_readers: list[Callable[[], object]], dist: Path, sources: Path | None,
            smtp_url: str | None) -> list[Check]:
    ready = engine.readiness()
    checks = [configuration(settings_readers), *ready]
    if all(c.ok or c.code == "no_active_configuration" for c in ready):  # the heartbeat table is there
        checks.append(engine.heartbeat_check())
    checks += [web_build(dist, sources), smtp(smtp_url)]
    return checks
