"""The `avvik` command: a thin adapter over the engine, like the HTTP server.

Every command reads AVVIK_DATABASE_URL (default: an SQLite file under var/).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from collections.abc import Callable

import click

from engine.api import (AvvikError, DefinitionError, DeliverySettings, Engine, configure_logging, layout_diagram,
                        render_findings, validate_definitions)
from server.demo import seed_demo

__all__ = ["main"]


def _engine() -> Engine:
    return Engine.connect(public_url=os.environ.get("AVVIK_PUBLIC_URL") or "http://localhost:8000")


def _fail(error: AvvikError) -> None:
    click.echo(f"Fel: {error.message}", err=True)
    if isinstance(error, DefinitionError) and error.findings:
        click.echo(render_findings(error.findings), err=True)
    sys.exit(1 if isinstance(error, DefinitionError) else 2)


# a file a command reads: definition files, another system's export, a register, a YAML mapping
_READABLE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _export_with_mapping(argument: str, mapping_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ARGUMENT file another system exported and the --mapping (YAML) that says what its values mean here:
    what `idm sync` and `import handelsevis` read."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        with_mapping = click.option("--mapping", type=_READABLE, required=True, help=mapping_help)(command)
        return click.argument(argument, type=_READABLE)(with_mapping)

    return decorate


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Domain errors end the command with their Swedish message, never a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AvvikError as error:
            _fail(error)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@click.group()
def main() -> None:
    """avvik — avvikelsehantering."""


@main.group()
def db() -> None:
    """Databasen."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    click.echo(f"Databasen är uppdaterad ({_engine().upgrade_schema()}).")


@db.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@_guarded
def db_backup(target: Path) -> None:
    """Write a consistent copy of the whole database to TARGET (PostgreSQL: pg_dump's custom format)."""
    _engine().backup(target)
    click.echo(f"Säkerhetskopian är skriven till {target}.")


@db.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@_guarded
def db_restore(source: Path) -> None:
    """Restore the backup SOURCE into the (new, empty) database AVVIK_DATABASE_URL names."""
    _engine().restore(source)
    click.echo(f"Säkerhetskopian {source} är återläst. Kör `avvik db upgrade` om den är från en äldre version.")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Check definition files; exit 0 when everything is runnable."""
    report, failed = validate_definitions(list(paths) or [Path(".")], as_json=fmt == "json")
    click.echo(report)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("files", nargs=-1, required=True, type=_READABLE)
@click.option("--write", is_flag=True, help="Replace the diagram in the file instead of printing the result.")
@_guarded
def layout(files: tuple[Path, ...], write: bool) -> None:
    """Draw the diagram (pools, lanes, shapes, edges) of BPMN/DMN FILES anew; the process is left unchanged."""
    if not write and len(files) > 1:
        raise DefinitionError("Ange en fil åt gången utan --write (resultatet skrivs till standard ut).")
    for path in files:
        result = layout_diagram(path.as_posix(), path.read_bytes())
        if write:
            path.write_bytes(result)
            click.echo(f"Diagrammet i {path.as_posix()} är omritat.", err=True)
        else:
            sys.stdout.buffer.write(result)


@main.group()
def release() -> None:
    """Releaser av definitionerna."""


@release.command("publish")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."))
@click.option("--label", default=None)
@_guarded
def release_publish(path: Path, label: str | None) -> None:
    """Validate and publish the definition tree at PATH (with processes/ and forms/)."""
    result = _engine().publish_tree(path, label)
    state = "publicerad" if result["created"] else "fanns redan"
    click.echo(f"Release {result['hash'][:12]} {state} (id {result['id']}). Den körs bara där den aktiveras: "
               f"avvik release activate {result['hash']} --unit ENHET")


@release.command("activate")
@click.argument("release_hash")
@click.option("--unit", "unit_id", required=True, help="The unit (a region root: the region's default).")
@_guarded
def release_activate(release_hash: str, unit_id: str) -> None:
    """Bind the intake and every area of a published release at a unit (the operator's tool)."""
    result = _engine().activate_release(release_hash, unit_id)
    click.echo(f"Release {result['release'][:12]} aktiv på {result['unit_id']} för {', '.join(result['areas'])}.")


@release.command("list")
@_guarded
def release_list() -> None:
    for item in _engine().list_releases():
        click.echo(f"{item['id']}\t{item['hash'][:12]}\t{item['created_at']}\t{item['label'] or ''}")


@main.group()
def unit() -> None:
    """Organisationsenheter."""


@unit.command("add")
@click.argument("unit_id")
@click.argument("name")
@click.argument("kind")
@click.option("--parent", default=None)
@click.option("--cfar", default=None, help="SCB:s arbetsställenummer, åtta siffror.")
@_guarded
def unit_add(unit_id: str, name: str, kind: str, parent: str | None, cfar: str | None) -> None:
    _engine().add_unit(unit_id, name, kind, parent, cfar)
    click.echo(f"Enheten {unit_id} finns.")


@main.group()
def user() -> None:
    """Användare."""


@user.command("add")
@click.argument("user_id")
@click.option("--name", default=None)
@click.option("--email", default=None)
@_guarded
def user_add(user_id: str, name: str | None, email: str | None) -> None:
    _engine().add_user(user_id, name, email)
    click.echo(f"Användaren {user_id} finns.")


@main.group()
def role() -> None:
    """Roller."""


@role.command("grant")
@click.argument("user_id")
@click.argument("role_id")
@click.argument("unit_id")
@_guarded
def role_grant(user_id: str, role_id: str, unit_id: str) -> None:
    """Give USER the ROLE on UNIT and its whole subtree."""
    _engine().grant_role(user_id, role_id, unit_id)
    click.echo(f"{user_id} har rollen {role_id} på {unit_id} med underliggande enheter.")


@main.group()
def entity() -> None:
    """Vårdgivare (juridiska huvudmän): en per rotenhet i organisationen."""


@entity.command("list")
@_guarded
def entity_list() -> None:
    """Every legal entity: id, prefix of its numbers, complaints unit, name."""
    for item in _engine().list_entities():
        click.echo(f"{item['id']}\t{item['prefix']}\t{item['complaints_unit'] or '-'}\t{item['name']}")


@entity.command("set")
@click.argument("entity_id")
@click.option("--name")
@click.option("--prefix", help="Prefix of new event numbers, e.g. RG gives RG-2026-000001")
@click.option("--complaints-unit", help="The unit that receives the entity's public complaints")
@_guarded
def entity_set(entity_id: str, name: str | None, prefix: str | None, complaints_unit: str | None) -> None:
    """Configure a legal entity (the root unit ENTITY_ID)."""
    item = _engine().configure_entity(entity_id, name, prefix, complaints_unit)
    click.echo(f"{item['id']}: prefix {item['prefix']}, klagomål till {item['complaints_unit'] or '-'}.")


@main.group()
def deputy() -> None:
    """Ersättare."""


@deputy.command("add")
@click.argument("principal")
@click.argument("deputy_id")
@click.argument("role_id")
@click.argument("unit_id")
@click.option("--days", type=int, default=14, show_default=True, help="From now, for this many days")
@_guarded
def deputy_add(principal: str, deputy_id: str, role_id: str, unit_id: str, days: int) -> None:
    """Name DEPUTY_ID to stand in for PRINCIPAL in ROLE on UNIT (the administrator's way)."""
    engine = _engine()
    now = engine.clock()
    item = engine.name_deputy(principal, deputy_id, role_id, unit_id, now, now + timedelta(days=days), None)
    click.echo(f"{deputy_id} ersätter {principal} som {role_id} på {unit_id} till {item['ends_at']} (id {item['id']}).")


@deputy.command("revoke")
@click.argument("deputyship_id", type=int)
@_guarded
def deputy_revoke(deputyship_id: int) -> None:
    """End a deputyship now."""
    _engine().revoke_deputyship(deputyship_id, None)
    click.echo(f"Ersättaruppdrag {deputyship_id} är avslutat.")


@main.group()
def token() -> None:
    """API-nycklar."""


@token.command("create")
@click.argument("user_id")
@click.option("--label", default=None)
@click.option("--expires-days", type=click.IntRange(min=1), default=None)
@_guarded
def token_create(user_id: str, label: str | None, expires_days: int | None) -> None:
    """Print a new API token for USER (shown once; only its hash is stored)."""
    engine = _engine()
    expires = engine.clock() + timedelta(days=expires_days) if expires_days else None
    click.echo(engine.create_token(user_id, label, expires))


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


@token.command("list")
@click.argument("user_id")
@_guarded
def token_list(user_id: str) -> None:
    """List USER's API tokens: id, label, created, expires, revoked (never the token itself)."""
    tokens = _engine().list_tokens(user_id)
    click.echo("id\tetikett\tskapad\tgår ut\tåterkallad")
    for item in tokens:
        click.echo("\t".join([str(item["id"]), item["label"] or "-", _when(item["created_at"]),
                              _when(item["expires_at"]), _when(item["revoked_at"])]))


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1, max=2**31 - 1))
@_guarded
def token_revoke(token_id: int) -> None:
    """Revoke the API token with TOKEN_ID (from `token list`); it is refused from the next request on."""
    item = _engine().revoke_token(token_id)
    click.echo(f"Nyckel {item['id']} är återkallad ({_when(item['revoked_at'])}).")


@main.group()
def idm() -> None:
    """Identitetshantering (IDM)."""


@idm.command("sync")
@_export_with_mapping("feed", "YAML: groups -> [{role, unit}].")
@click.option("--dry-run", is_flag=True, help="Show the changes without making them.")
@_guarded
def idm_sync(feed: Path, mapping: Path, dry_run: bool) -> None:
    """Sync users and role grants from a SCIM 2.0 export (FEED) with a group mapping."""
    report = _engine().idm_sync(feed.read_bytes(), mapping.read_bytes(), dry_run)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))


@main.group()
def scim() -> None:
    """SCIM 2.0-slutpunkten (/scim/v2) som IDM:en skickar användare och grupper till."""


@scim.group("token")
def scim_token() -> None:
    """Nycklar för SCIM-slutpunkten."""


@scim_token.command("create")
@click.option("--label")
@_guarded
def scim_token_create(label: str | None) -> None:
    """Print a new bearer token for the IDM (only its hash is stored)."""
    click.echo(_engine().create_scim_token(label))


@main.group()
def cfar() -> None:
    """Arbetsställenummer (CFAR, SCB)."""


@cfar.command("check")
@click.argument("register", type=_READABLE)
@_guarded
def cfar_check(register: Path) -> None:
    """Compare the units' CFAR numbers with an SCB register extract; exit 1 when something needs fixing."""
    problems = _engine().cfar_check(register.read_bytes())
    for problem in problems:
        click.echo(f"{problem['unit_id']}\t{problem['code']}\t{problem['message']}")
    click.echo(f"{len(problems)} enheter behöver åtgärdas." if problems
               else "Alla arbetsställen har giltiga CFAR-nummer.")
    sys.exit(1 if problems else 0)


@main.group()
def audit() -> None:
    """Ändrings- och läsloggarna."""


@audit.command("verify")
@click.option("--entity", help="Only this legal entity (its root unit id, e.g. rs).")
@_guarded
def audit_verify(entity: str | None) -> None:
    """Check every log chain; exit 1 and name the first broken row of each chain that does not hold."""
    result = _engine().verify_logs(entity)
    for found in result["breaks"]:
        click.echo(f"FEL {found['message']}")
    for head in result["heads"]:
        click.echo(f"{head['entity']}\tändringslogg rad {head['audit_id']} {head['audit_hash']}\t"
                   f"läslogg rad {head['read_id']} {head['read_hash']}")
    click.echo("Loggkedjorna är obrutna." if result["ok"] else f"{len(result['breaks'])} kedjor är brutna.")
    sys.exit(0 if result["ok"] else 1)


@main.group()
def retention() -> None:
    """Gallring enligt processes/retention.yaml."""


def _due_lines(result: dict[str, Any]) -> None:
    if not result["classes"]:
        click.echo("Inget är moget för gallring.")
    for due in result["classes"]:
        click.echo(f"{due['entity']}\t{due['record_class']}\t{due['due']} att gallra, {due['held']} spärrade\t"
                   f"{due['reason']}")


@retention.command("plan")
@click.option("--json", "as_json", is_flag=True, help="Everything, each record with its id and content hash.")
@_guarded
def retention_plan(as_json: bool) -> None:
    """What is due for culling, by record class and legal entity, and what a legal hold keeps."""
    result = _engine().retention_plan()
    click.echo(json.dumps(result, ensure_ascii=False, indent=2)) if as_json else _due_lines(result)


@retention.command("run")
@click.option("--dry-run/--execute", default=True, help="Show what would be culled (default), or cull it.")
@click.option("--actor", default="operator", show_default=True, help="Who runs the culling (kept in the protocol).")
@_guarded
def retention_run(dry_run: bool, actor: str) -> None:
    """Cull (or with --dry-run only show) what is due; each class and legal entity culled gets a protocol."""
    result = _engine().retention_run(actor, execute=not dry_run)
    _due_lines(result)
    for protocol in result.get("protocols", []):
        click.echo(f"Gallringsprotokoll {protocol['id']}: {protocol['entity']} {protocol['record_class']}, "
                   f"{protocol['count']} poster, beslut: {protocol['decision']}")
    if dry_run:
        click.echo("Provkörning: inget gallrades. Kör med --execute för att gallra.")


@main.group()
def archive() -> None:
    """Arkivering (E-ARK)."""


@archive.command("export")
@click.argument("number")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder the package's own folder is written into.")
@_guarded
def archive_export(number: str, out: Path) -> None:
    """Write the closed event NUMBER as an E-ARK SIP (METS, PREMIS, data as JSON and HTML, attachments, log)."""
    files = _engine().archive_package(number)
    for relative, content in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    click.echo(f"Paketet finns i {out / next(iter(files)).split('/')[0]} ({len(files)} filer).")


@main.group("import")
def import_group() -> None:
    """Import av historik ur äldre system."""


@import_group.command("handelsevis")
@_export_with_mapping("file", "YAML: columns, units, categories, statuses (docs/records.md).")
@click.option("--dry-run/--execute", default=True, help="Report unmapped values row by row (default), or import.")
@click.option("--actor", default="operator", show_default=True)
@_guarded
def import_handelsevis(file: Path, mapping: Path, dry_run: bool, actor: str) -> None:
    """Import Händelsevis history (CSV or JSON) as closed, read-only events; re-running skips what is there."""
    result = _engine().import_history(file.read_bytes(), mapping.read_bytes(), actor, dry_run)
    for problem in result["problems"]:
        click.echo(f"rad {problem['row']} (id {problem['legacy_id']}): {problem['field']}: {problem['message']}")
    click.echo(f"{result['rows']} rader: {result['to_import']} att importera, {result['already_imported']} redan "
               f"importerade, {result['skipped']} hoppas över, {len(result['problems'])} problem.")
    if result["problems"]:
        click.echo("Inget importerades: rätta mappningen eller filen först." if not dry_run else "")
        sys.exit(1)
    click.echo("Provkörning: inget skrevs." if dry_run else f"{result['imported']} händelser importerades.")


@main.command("seed-demo")
@click.option("--definitions", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."))
@_guarded
def seed_demo_command(definitions: Path) -> None:
    """Publish the definitions and create the demo organisation and users."""
    engine = _engine()
    published = engine.publish_tree(definitions, label="demo")
    seed_demo(engine, published["hash"])
    click.echo("Demoorganisationen finns. Skapa en nyckel med: avvik token create anna")


_worker_log = logging.getLogger("avvik.worker")


def _job(name: str, run: Callable[[], dict[str, int]]) -> dict[str, int]:
    """One worker job, and its one JSON log line: what it did and how long it took, or that it failed."""
    fields: dict[str, Any] = {"job": name, "job_id": uuid.uuid4().hex}
    started = time.perf_counter()
    try:
        counts = run()
    except Exception:
        fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        _worker_log.exception("job failed", extra={"fields": {**fields, "status": "failed"}})
        raise
    fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    _worker_log.info("job", extra={"fields": {**fields, "status": "ok", **counts}})
    return counts


@main.command()
@click.option("--once", is_flag=True, help="Run one round and exit.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, help="Seconds between rounds.")
def worker(once: bool, interval: float) -> None:
    """Fire due BPMN timers (escalations, SLA clocks), deliver the notification outbox, fold the statistics'
    rollup deltas; in a loop or once.
    Each round ends with a heartbeat in the database (`avvik doctor` checks it)."""
    configure_logging()
    try:
        settings = DeliverySettings.from_env()
    except ValueError as exc:
        click.echo(f"Fel: {exc}", err=True)
        sys.exit(2)
    engine = _engine()
    worker_id, started = f"{socket.gethostname()}:{os.getpid()}", engine.clock()
    while True:
        try:
            timers = _job("timers", lambda: {"advanced": engine.run_due_timers()})
            _job("action_deadlines", lambda: {"raised": engine.raise_action_deadlines()})
            counts = _job("outbox", lambda: engine.deliver_notifications(settings))
            _job("stats_rollup", lambda: {"folded": engine.compact_statistics()})
            engine.worker_heartbeat(worker_id, started, interval)
        except Exception:
            if once:
                sys.exit(1)  # the failed job's line says what went wrong
            time.sleep(interval)  # a database that is away: try again next round, as systemd would restart us
            continue
        if once:
            click.echo(f"{timers['advanced']} ärenden gick vidare. Notifieringar: {counts['sent']} skickade, "
                       f"{counts['failed']} misslyckade, {counts['skipped']} utan e-postadress.")
            return
        time.sleep(interval)


@main.command()
def doctor() -> None:
    """Check configuration, database, migrations, the web build, the mail server and the worker; say what to fix."""
    from server.config import Settings
    from server.web import DEFAULT_DIST

    configured = os.environ.get("AVVIK_WEB_DIST")  # read alone: a bad value elsewhere is a finding, not a crash
    dist = Path(configured) if configured else DEFAULT_DIST
    sources = DEFAULT_DIST.parent / "src" if dist == DEFAULT_DIST else None
    checks = _engine().doctor([Settings.from_env, DeliverySettings.from_env], dist, sources,
                              os.environ.get("AVVIK_SMTP_URL"))
    for check in checks:
        click.echo(f"{'OK ' if check.ok else 'FEL'}  {check.message}")
    failed = [check for check in checks if not check.ok]
    click.echo(f"{len(failed)} problem att åtgärda." if failed else "Allt ser bra ut.")
    sys.exit(1 if failed else 0)


@main.group()
def outbox() -> None:
    """Notifieringar som väntar på att skickas, är skickade eller gav upp."""


@outbox.command("list")
@click.option("--status", type=click.Choice(["pending", "sent", "dead", "skipped"]), default=None)
@click.option("--limit", type=click.IntRange(1, 10000), default=100)
@_guarded
def outbox_list(status: str | None, limit: int) -> None:
    """List notifications, newest first: id, status, tries, recipient, kind, subject, last error."""
    click.echo("id\tstatus\tförsök\tmottagare\ttyp\tämne\tsenaste fel")
    for item in _engine().outbox_list(status, limit):
        click.echo("\t".join([str(item["id"]), item["status"], str(item["attempts"]), item["user_id"], item["kind"],
                              item["subject"], item["last_error"] or "-"]))


@outbox.command("retry")
@click.argument("notification_id", type=click.IntRange(min=1, max=2**31 - 1))
@_guarded
def outbox_retry(notification_id: int) -> None:
    """Send a dead notification again, from the first try, at the worker's next round."""
    item = _engine().outbox_retry(notification_id)
    click.echo(f"Notifiering {item['id']} är {item['status']} ({item['attempts']} försök).")


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=click.IntRange(1, 65535), default=8000)
@click.option("--workers", type=click.IntRange(1, 64), default=2)
@click.option("--threads", type=click.IntRange(1, 64), default=4,
              help="Requests each worker serves at once (gthread); connections are kept alive between requests.")
@click.option("--with-worker", is_flag=True, help="Also run `avvik worker` (timers) as a child, stopped with the API.")
@click.option("--worker-interval", type=click.FloatRange(min=0.1), default=5.0,
              help="The worker's seconds between rounds.")
def serve(host: str, port: int, workers: int, threads: int, with_worker: bool, worker_interval: float) -> None:
    """Run the HTTP API under gunicorn, optionally with the timer worker beside it (what `make run` does)."""
    metrics_dir, own_dir = _metrics_dir()
    from server.gunicorn import run  # after the metrics directory is set: prometheus-client reads it at import

    child = None
    if with_worker:  # a process of its own, as in production, so a slow round never holds up a request
        child = subprocess.Popen([sys.executable, "-m", "server.cli", "worker", "--interval", str(worker_interval)])
        click.echo(f"Timerarbetaren körs (pid {child.pid}).", err=True)
    try:
        run(host, port, workers, os.environ.get("AVVIK_METRICS_BIND") or None, threads)
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=30)
        if own_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _metrics_dir() -> tuple[str, bool]:
    """The directory the API workers share their metrics through (PROMETHEUS_MULTIPROC_DIR): the one given,
    emptied of a previous run's files, else a fresh one removed on exit."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        return given, False
    made = tempfile.mkdtemp(prefix="avvik-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
    return made, True


if __name__ == "__main__":
    main()
