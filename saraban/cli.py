"""The ``saraban`` command: init, serve, worker, chat, parse, verify, export, admin …, backup, bench."""

from __future__ import annotations

import datetime as dt
import json
import logging.config
import os
import secrets
import sys
from typing import Annotated

import typer

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

app = typer.Typer(help="ระบบทะเบียนหนังสือราชการผ่านแชต (saraban)", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False)
admin = typer.Typer(help="งานผู้ดูแลระบบ: ผู้ใช้ โทเคน รหัสผูกบัญชี", no_args_is_help=True)
bench = typer.Typer(help="วัดความเร็ว (benchmarks)", no_args_is_help=True)
app.add_typer(admin, name="admin")
app.add_typer(bench, name="bench")
setup = typer.Typer(help="ตั้งค่าบอต LINE และ Telegram (webhook เมนู คำสั่ง)", no_args_is_help=True)
app.add_typer(setup, name="setup")
exchange = typer.Typer(help="เอกสารแลกเปลี่ยนหนังสือ (JSON ตาม letter-v1.schema.json)", no_args_is_help=True)
app.add_typer(exchange, name="exchange")


def _runtime(*, writes: bool = True):
    """The runtime for the configured database; commands that write refuse a database that
    ``saraban init`` has not upgraded to this version (reading, backing up and verifying an older
    one is still allowed: that is what one does before upgrading)."""
    from registry.runtime import Runtime
    from saraban.settings import get_settings

    s = get_settings()
    rt = Runtime.from_url(s.database_url, attachments_dir=s.attachments_dir, public_url=s.public_url)
    if writes:
        require_current_schema(rt.engine)
    return rt


def require_current_schema(engine) -> None:
    from registry.schema import upgrade_needed

    problem = upgrade_needed(engine)
    if problem is not None:
        typer.echo(problem, err=True)
        raise typer.Exit(1)


@app.command()
def init(demo: Annotated[bool, typer.Option("--demo", help="โหลดหน่วยงานและผู้ใช้ตัวอย่าง")] = False) -> None:
    """Create or upgrade the database (idempotent); --demo loads the demo organisation."""
    from registry.demo import load_demo, load_demo_letters, load_holidays
    from registry.schema import upgrade

    rt = _runtime(writes=False)  # it is the command that upgrades
    upgrade(rt.engine)
    with rt.transaction() as session:
        holidays = load_holidays(session)
        created = load_demo(session) if demo else False
    letters = 0
    if created:
        with rt.transaction() as session:
            letters = load_demo_letters(session)
    typer.echo(f"ฐานข้อมูลพร้อมใช้งาน ({rt.engine.url.render_as_string(hide_password=True)}); "
               f"วันหยุดใหม่ {holidays} วัน" + ("; โหลดข้อมูลตัวอย่างแล้ว" if created else "")
               + (f" ({letters} หนังสือ)" if letters else ""))
    rt.engine.dispose()


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="จำนวน worker process")] = 1,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="ไม่รันตัวส่งข้อความ (outbox) ในตัว")] = False,
) -> None:
    """Serve the one ASGI app: webhooks, admin API and pages, web chat."""
    import uvicorn

    if no_worker:
        os.environ["SARABAN_RUN_WORKER"] = "0"
    _runtime().engine.dispose()  # refuses an old schema here, before uvicorn starts its workers
    from saraban.affinity import pin_lone_server
    from saraban.logs import uvicorn_log_config
    from saraban.settings import get_settings

    settings = get_settings()
    if workers > 1 and settings.telegram_enabled and settings.telegram_mode == "polling":
        # every worker would poll getUpdates and Telegram ends all but one call (409 Conflict)
        typer.echo("โหมด polling ของ Telegram ใช้ได้กับ worker เดียว: ใช้ --workers 1 หรือ SARABAN_TELEGRAM_MODE=webhook "
                   "(Telegram polling needs a single worker)", err=True)
        raise typer.Exit(1)
    if workers == 1:  # before uvicorn starts: every thread the server starts inherits the core
        logging.config.dictConfig(uvicorn_log_config())  # uvicorn applies it again; here it carries our line
        pin_lone_server(settings.pin_cpu)

    # saraban.serving: uvicorn's protocol plus a header deadline and a cap on half-sent requests
    uvicorn.run("saraban.asgi:app", host=host, port=port, workers=workers, log_config=uvicorn_log_config(),
                proxy_headers=False, access_log=False, http="saraban.serving:GuardedHttpToolsProtocol",
                limit_concurrency=settings.max_connections)


@app.command()
def worker(once: Annotated[bool, typer.Option("--once", help="ส่งรอบเดียวแล้วจบ")] = False) -> None:
    """Deliver the outbox (notices, reminders) to LINE and Telegram with retries; runs until stopped."""
    import asyncio
    import logging

    from bot.worker import run_worker
    from saraban.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    rt = _runtime()
    sent = asyncio.run(run_worker(rt, get_settings(), once=once))
    if once:
        typer.echo(f"ส่งแล้ว {sent} ข้อความ")
    rt.engine.dispose()


@app.command()
def mail(once: Annotated[bool, typer.Option("--once", help="อ่านกล่องจดหมายรอบเดียวแล้วจบ")] = False) -> None:
    """Read the unit's saraban mailbox (SARABAN_MAIL_*): each new e-mail with a letter becomes a draft
    for the unit's clerks; with SMTP configured, receipt notices (แจ้งเลขรับ) are sent too."""
    import asyncio
    import json
    import logging

    from saraban.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    if not settings.mail_enabled:
        typer.echo("ยังไม่ได้ตั้งค่ากล่องจดหมาย: กรุณากำหนด SARABAN_MAIL_UNIT, SARABAN_MAIL_IMAP_HOST, "
                   "SARABAN_MAIL_IMAP_USER และ SARABAN_MAIL_IMAP_PASSWORD", err=True)
        raise typer.Exit(2)
    from bot.mail import run_mail

    rt = _runtime()
    try:
        report = asyncio.run(run_mail(rt, settings, once=once))
    finally:
        rt.engine.dispose()
    if once:
        typer.echo(json.dumps(report, ensure_ascii=False))


@app.command()
def chat(person: Annotated[int, typer.Option("--as", help="id ของผู้ใช้ที่จะคุยในนาม")]) -> None:
    """Chat with the bot in the terminal as the given person (same handlers as LINE and Telegram)."""
    from bot.terminal import TerminalChat

    rt = _runtime()
    TerminalChat(rt, person).run()
    rt.engine.dispose()


@app.command()
def verify() -> None:
    """Recompute the event hash chain; exit 1 naming the first broken link."""
    from registry.events import verify_chain

    rt = _runtime(writes=False)
    with rt.read() as session:
        report = verify_chain(session)
    if report.ok:
        typer.echo(f"ห่วงโซ่เหตุการณ์ถูกต้อง ({report.events:,} เหตุการณ์)")
        return
    typer.echo(f"ห่วงโซ่เหตุการณ์เสียหาย: เหตุการณ์แรกที่ไม่ถูกต้องคือ id={report.first_broken} ({report.reason})", err=True)
    raise typer.Exit(1)


@app.command()
def backup(target: Annotated[str, typer.Argument(help="ไฟล์ปลายทาง")] = "") -> None:
    """Write a consistent snapshot of the database (SQLite backup API or pg_dump)."""
    from pathlib import Path

    from registry.backup import backup as take

    rt = _runtime(writes=False)
    name = target or f"saraban-backup-{dt.datetime.now():%Y%m%d-%H%M%S}.{'db' if rt.engine.dialect.name == 'sqlite' else 'dump'}"
    path = take(rt.engine, Path(name))
    typer.echo(f"สำรองข้อมูลแล้ว: {path} ({path.stat().st_size:,} ไบต์)")


@app.command()
def restore(
    source: Annotated[str, typer.Argument(help="ไฟล์สำรองจาก saraban backup")],
    yes: Annotated[bool, typer.Option("--yes", help="ยืนยันการเขียนทับฐานข้อมูลปัจจุบัน")] = False,
) -> None:
    """Replace the configured database with a backup (stop every saraban serve and worker first)."""
    from pathlib import Path

    from registry.backup import RestoreFailed
    from registry.backup import restore as put_back

    rt = _runtime(writes=False)
    where = rt.engine.url.render_as_string(hide_password=True)
    if not yes:
        typer.echo(f"คำสั่งนี้จะเขียนทับฐานข้อมูล {where} ด้วย {source}: หยุด saraban ทุกตัวก่อน แล้วสั่งใหม่พร้อม --yes ค่ะ",
                   err=True)
        raise typer.Exit(2)
    try:
        put_back(rt.engine, Path(source))
    except RestoreFailed as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    finally:
        rt.engine.dispose()
    typer.echo(f"กู้คืนฐานข้อมูล {where} จาก {source} แล้ว: สั่ง saraban init (ปรับรุ่นฐานข้อมูล) แล้ว saraban verify ค่ะ")


@setup.command("line")
def setup_line(
    webhook_url: Annotated[str, typer.Option("--webhook-url", help="https://<โดเมน>/webhooks/line")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="แสดงสิ่งที่จะทำ โดยไม่เปลี่ยนอะไร")] = False,
) -> None:
    """Webhook (set + test), bot info, message quota, one rich menu per role through aliases, linked users' menus."""
    from bot.setup_line import LineSetup, SetupRefused, line_accounts
    from saraban.settings import get_settings

    s = get_settings()
    if not s.line_enabled:
        typer.echo("ยังไม่ได้ตั้ง SARABAN_LINE_CHANNEL_SECRET และ SARABAN_LINE_CHANNEL_ACCESS_TOKEN ค่ะ", err=True)
        raise typer.Exit(2)
    rt = _runtime(writes=False)
    job = LineSetup(s.line_api_base_url, s.line_channel_access_token.get_secret_value(), dry_run=dry_run,
                    say=typer.echo)
    try:
        job.run(webhook_url, line_accounts(rt))
    except SetupRefused as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    finally:
        job.close()
        rt.engine.dispose()
    if not job.webhook_ok:
        typer.echo("LINE ส่ง webhook ทดสอบไม่ผ่าน: ตรวจ Caddy, DNS และ SARABAN_LINE_CHANNEL_SECRET ค่ะ", err=True)
        raise typer.Exit(1)


@setup.command("telegram")
def setup_telegram(
    webhook_url: Annotated[str, typer.Option("--webhook-url", help="https://<โดเมน>/webhooks/telegram")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="แสดงสิ่งที่จะทำ โดยไม่เปลี่ยนอะไร")] = False,
    force: Annotated[bool, typer.Option("--force", help="ตั้ง webhook ใหม่แม้ URL เดิม (เช่น หลังเปลี่ยน secret token)")] = False,
) -> None:
    """setWebhook (secret token, update types), Thai commands for private chats and groups, the menu button."""
    import asyncio

    from bot.setup_line import SetupRefused
    from bot.setup_telegram import TelegramSetup
    from saraban.settings import get_settings

    s = get_settings()
    if not s.telegram_enabled:
        typer.echo("ยังไม่ได้ตั้ง SARABAN_TELEGRAM_BOT_TOKEN ค่ะ", err=True)
        raise typer.Exit(2)
    if s.telegram_secret_token is None:
        typer.echo("ยังไม่ได้ตั้ง SARABAN_TELEGRAM_SECRET_TOKEN (ใช้ตรวจว่า webhook มาจาก Telegram จริง) ค่ะ", err=True)
        raise typer.Exit(2)
    job = TelegramSetup(s.telegram_bot_token.get_secret_value(), s.telegram_api_base_url,
                        s.telegram_secret_token.get_secret_value(), dry_run=dry_run, force=force, say=typer.echo)
    try:
        asyncio.run(job.run(webhook_url))
    except SetupRefused as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


@app.command()
def export(
    what: Annotated[str, typer.Argument(help="register | completeness | destruction | audit")],
    out: Annotated[str, typer.Option("--out", "-o", help="ไฟล์ปลายทาง (.xlsx .csv หรือ .pdf)")],
    unit: Annotated[str, typer.Option(help="หน่วยงาน (id หรือรหัส เช่น 'มท 0201')")] = "",
    year: Annotated[int, typer.Option(help="ปี พ.ศ.")] = 0,
    direction: Annotated[str, typer.Option(help="incoming | outgoing | circular")] = "incoming",
    audit: Annotated[int, typer.Option(help="id ของการสุ่มตรวจ")] = 0,
) -> None:
    """Write a register, the completeness report, the destruction list or an audit's results to a file."""
    from pathlib import Path

    from admin_api.cli_export import export_file
    from registry.errors import RegistryError

    rt = _runtime(writes=False)
    try:
        with rt.read() as session:
            written = export_file(session, what, Path(out), unit=unit or None, year=year or None,
                                  direction=direction, audit_id=audit or None, today=rt.clock.now())
    except RegistryError as exc:
        typer.echo(exc.message_th, err=True)
        raise typer.Exit(2) from None
    finally:
        rt.engine.dispose()
    typer.echo(f"บันทึกไฟล์ {written} แล้ว")


@app.command("import-register")
def import_register(
    file: Annotated[str, typer.Argument(help="ไฟล์ทะเบียน (.xlsx หรือ .csv) ลำดับคอลัมน์ตามที่ระบบส่งออก หรือจับคู่ด้วย --map")],
    unit: Annotated[str, typer.Option(help="หน่วยงาน (id หรือรหัส เช่น 'มท 0201')")],
    year: Annotated[int, typer.Option(help="ปี พ.ศ. ของทะเบียน")],
    book: Annotated[str, typer.Option(help="incoming | outgoing | circular")] = "incoming",
    map_: Annotated[list[str], typer.Option("--map", help="จับคู่คอลัมน์ เช่น subject=7 หรือ subject=เรื่องย่อ")] = [],  # noqa: B006
    dry_run: Annotated[bool, typer.Option("--dry-run", help="ตรวจอย่างเดียว ไม่บันทึก")] = False,
) -> None:
    """Bring an existing register in: check every row first (problems by row), then all or nothing."""
    from pathlib import Path

    from admin_api.register_import import check_file, parse_map_options, read_sheet
    from registry.errors import RegistryError
    from registry.events import Actor
    from registry.importing import FIELD_TH, guess_mapping, import_register as write
    from registry.timeutil import BANGKOK
    from registry.units import get_unit

    rt = _runtime()
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        typer.echo(f"เปิดไฟล์ {file} ไม่ได้: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    try:
        sheet = read_sheet(data, path.name)
        chosen = {f"map_{k}": str(v + 1) for k, v in guess_mapping(sheet.headers).items()}
        chosen.update(parse_map_options(map_, sheet.headers))
        with rt.transaction() as session:
            u = get_unit(session, int(unit) if unit.isdigit() else unit)
            _sheet, plan = check_file(session, data, path.name, unit=u, direction=book, year=year, mapping=chosen,
                                      today=rt.clock.now().astimezone(BANGKOK).date())
            if plan.problems:
                typer.echo(f"พบปัญหา {len(plan.problems):,} รายการ ยังไม่ได้บันทึกสิ่งใด:", err=True)
                for pr in plan.problems:
                    where = f"แถว {pr.row}" if pr.row else "ทั้งไฟล์"
                    typer.echo(f"  {where}{' · ' + FIELD_TH.get(pr.column or '', '') if pr.column else ''}: {pr.message}",
                               err=True)
                raise typer.Exit(1)
            if dry_run:
                typer.echo(f"ตรวจแล้วไม่พบปัญหา: {len(plan.rows):,} แถว เลข {plan.first}–{plan.last} (ยังไม่ได้บันทึก)")
                return
            done = write(session, plan, actor=Actor(None, "cli"), source=path.name, sha256=sheet.sha256, clock=rt.clock)
    except RegistryError as exc:
        typer.echo(exc.message_th, err=True)
        raise typer.Exit(2) from None
    finally:
        rt.engine.dispose()
    typer.echo(f"นำเข้าแล้ว {done.count:,} แถว เลข {done.first}–{done.last} (ยกเลิก {done.cancelled}) "
               f"เลขถัดไปของทะเบียนคือ {done.last + 1}")


@app.command()
def parse() -> None:
    """Read JSON lines {"text": …} on stdin; write one JSON object per line (F2)."""
    from nlp.jsonl import run

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdin.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    raise typer.Exit(run(sys.stdin, sys.stdout))


@app.command()
def scan(
    files: Annotated[list[str], typer.Argument(help="รูปภาพ (PNG, JPEG) หรือ PDF ของหนังสือ")],
    blocks: Annotated[bool, typer.Option("--blocks", help="แสดงบรรทัดที่อ่านได้พร้อมตำแหน่งด้วย")] = False,
) -> None:
    """Read letters from images and PDFs; write one JSON object per file (F7)."""
    from scan.reader import read_path

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    failed = 0
    for path in files:
        out = read_path(path)
        if not blocks:
            out.pop("blocks", None)
        failed += "error" in out
        typer.echo(json.dumps(out, ensure_ascii=False))
    raise typer.Exit(1 if failed else 0)


@admin.command("people")
def admin_people(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List people with their unit and roles."""
    from sqlalchemy import select

    from registry.models import Person

    rt = _runtime(writes=False)
    with rt.read() as session:
        people = session.execute(select(Person).order_by(Person.id)).scalars().all()
        rows = [{
            "id": p.id, "name": p.name, "position": p.position,
            "unit": p.roles[0].unit.code if p.roles else None,
            "unit_name": p.roles[0].unit.name if p.roles else None,
            "roles": [{"unit": m.unit.code, "unit_id": m.unit_id, "role": m.role} for m in p.roles],
        } for p in people]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        roles = ", ".join(f"{x['role']}@{x['unit']}" for x in r["roles"])
        typer.echo(f"{r['id']:>4}  {r['name']}  [{roles}]")


@admin.command("token")
def admin_token(person: Annotated[int, typer.Argument(help="id ของผู้ใช้")], label: str = "cli") -> None:
    """Create an API bearer token for a person (printed once; stored hashed)."""
    from admin_api.deps import hash_token
    from registry.events import Actor, append_event
    from registry.models import ApiToken
    from registry.units import get_person

    rt = _runtime()
    token = secrets.token_urlsafe(32)
    with rt.transaction() as session:
        get_person(session, person)
        now = rt.clock.now()
        row = ApiToken(person_id=person, token_hash=hash_token(token), label=label, created_at=now)
        session.add(row)
        session.flush()
        append_event(session, kind="token.created", entity="person", entity_id=person, actor=Actor(None, "cli"),
                     at=now, data={"token_id": row.id, "label": label})
    typer.echo(token)


@admin.command("password")
def admin_password(
    person: Annotated[int, typer.Argument(help="id ของผู้ใช้")],
    username: Annotated[str | None, typer.Option("--username", help="ชื่อผู้ใช้สำหรับเข้าสู่ระบบเว็บ")] = None,
) -> None:
    """Set a person's web password, read from standard input (for the first admin); ends their sessions."""
    import getpass
    import sys

    from registry.errors import RegistryError
    from registry.events import Actor
    from registry.signin import set_password

    if sys.stdin.isatty():
        password = getpass.getpass("รหัสผ่านใหม่: ")
        if getpass.getpass("พิมพ์รหัสผ่านอีกครั้ง: ") != password:
            typer.echo("รหัสผ่านสองครั้งไม่ตรงกัน", err=True)
            raise typer.Exit(1)
    else:  # piped: the first line is the password (so it never appears in the process list)
        password = sys.stdin.readline().rstrip("\r\n")
    rt = _runtime()
    try:
        with rt.transaction() as session:
            cred = set_password(session, person, password, username=username, actor=Actor(None, "cli"), clock=rt.clock)
            name = cred.username
    except RegistryError as exc:
        typer.echo(exc.message_th, err=True)
        raise typer.Exit(1) from None
    finally:
        rt.engine.dispose()
    typer.echo(f"ตั้งรหัสผ่านแล้ว: ผู้ใช้ {person} เข้าสู่ระบบเว็บด้วยชื่อ {name}")


@admin.command("link-code")
def admin_link_code(
    person: Annotated[int, typer.Argument(help="id ของผู้ใช้")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Issue a one-time chat link code for a person (expires in 30 minutes; single use)."""
    from registry.accounts import issue_link_code
    from registry.errors import RegistryError
    from registry.events import Actor

    rt = _runtime()
    try:
        with rt.transaction() as session:
            issued = issue_link_code(session, person, actor=Actor(None, "cli"), clock=rt.clock)
    except RegistryError as exc:
        typer.echo(exc.message_th, err=True)
        raise typer.Exit(1) from None
    finally:
        rt.engine.dispose()
    if as_json:
        typer.echo(json.dumps({"code": issued.code, "expires_at": issued.expires_at.isoformat()}))
        return
    from registry.timeutil import thai_datetime

    typer.echo(f"{issued.code}  (ใช้ได้ครั้งเดียว หมดอายุ {thai_datetime(issued.expires_at)}; "
               f"ให้ผู้ใช้พิมพ์ “ผูกบัญชี {issued.code}” ในแชตส่วนตัวกับบอต)")


@admin.command("unlink")
def admin_unlink(
    channel: Annotated[str, typer.Argument(help="line | telegram | web")],
    external_id: Annotated[str, typer.Argument(help="รหัสผู้ใช้ของแพลตฟอร์ม (LINE userId / Telegram user id)")],
) -> None:
    """Unbind a chat account from its person (their LINE menu is taken away by the worker)."""
    from registry.accounts import unlink_account
    from registry.errors import RegistryError
    from registry.events import Actor

    rt = _runtime()
    try:
        with rt.transaction() as session:
            unlink_account(session, channel, external_id, actor=Actor(None, "cli"), clock=rt.clock)
    except RegistryError as exc:
        typer.echo(exc.message_th, err=True)
        raise typer.Exit(1) from None
    finally:
        rt.engine.dispose()
    typer.echo(f"ยกเลิกการผูกบัญชี {channel} {external_id} แล้วค่ะ")


@exchange.command("export")
def exchange_export(
    year: Annotated[int, typer.Option(help="ปี พ.ศ. ของทะเบียน")],
    unit: Annotated[str, typer.Option(help="หน่วยงาน (id หรือรหัส); ว่าง = ทุกหน่วยงาน")] = "",
    direction: Annotated[str, typer.Option(help="incoming | outgoing | circular; ว่าง = ทุกทะเบียน")] = "",
    files: Annotated[bool, typer.Option("--files", help="ใส่ไฟล์แนบ (base64) ในเอกสารด้วย")] = False,
) -> None:
    """Write the letters of a year's books as JSON lines (one saraban.letter v1 document a line) to stdout."""
    from registry import exchange as ex
    from registry.errors import RegistryError

    rt = _runtime(writes=False)
    count = 0
    try:
        with rt.read() as session:
            for document in ex.export_documents(session, year=year, unit=unit or None, direction=direction or None,
                                                files_dir=rt.attachments_dir if files else None):
                sys.stdout.write(ex.dump(document) + "\n")
                count += 1
    except RegistryError as exc:
        typer.echo(exc.message_th, err=True)
        raise typer.Exit(2) from None
    finally:
        rt.engine.dispose()
    typer.echo(f"ส่งออก {count:,} ฉบับ", err=True)


@exchange.command("import")
def exchange_import(
    source: Annotated[str, typer.Argument(help="ไฟล์ JSON lines (- = stdin)")],
    unit: Annotated[str, typer.Option(help="หน่วยงานที่ลงรับ (id หรือรหัส); ว่าง = ผู้รับในเอกสาร")] = "",
) -> None:
    """Register each document of a JSON-lines file as an incoming letter, each in its own transaction:
    a duplicate is skipped, a bad line is reported (Thai, with its line number) and the rest go on;
    exit 1 when any line was refused."""
    from registry import exchange as ex
    from registry.errors import Conflict, RegistryError
    from registry.events import Actor

    rt = _runtime()
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    imported = skipped = refused = 0
    try:
        for number, document in ex.read_jsonl(stream):
            if isinstance(document, Exception):
                typer.echo(f"บรรทัด {number}: อ่าน JSON ไม่ได้ ({document})", err=True)
                refused += 1
                continue
            try:
                with rt.transaction() as session:
                    ex.import_letter(session, document, actor=Actor(None, "cli"), unit=unit or None,
                                     files_dir=rt.attachments_dir, clock=rt.clock)
                imported += 1
            except Conflict as exc:
                typer.echo(f"บรรทัด {number}: ข้าม — {exc.message_th}", err=True)
                skipped += 1
            except RegistryError as exc:
                typer.echo(f"บรรทัด {number}: ไม่นำเข้า — {exc.message_th}", err=True)
                refused += 1
    finally:
        if stream is not sys.stdin:
            stream.close()
        rt.engine.dispose()
    typer.echo(f"นำเข้า {imported:,} ฉบับ ข้ามฉบับซ้ำ {skipped:,} ฉบับ ไม่นำเข้า {refused:,} ฉบับ")
    if refused:
        raise typer.Exit(1)


@bench.command("registry")
def bench_registry(
    letters: Annotated[int, typer.Option(help="จำนวนหนังสือสำหรับทดสอบการค้นหา")] = 100_000,
    postgres_url: Annotated[str, typer.Option(help="PostgreSQL URL (ว่าง = ข้าม)")] = "postgresql://postgres@127.0.0.1:5432/postgres",
    search_only: Annotated[bool, typer.Option("--search-only", help="วัดเฉพาะการค้นหา (ข้ามการลงรับ)")] = False,
    db_name: Annotated[str, typer.Option(help="ชื่อฐานข้อมูลทดสอบบน PostgreSQL (สร้างใหม่ทุกครั้ง)")] = "saraban_bench",
) -> None:
    """Registrations/s and p50/p99 for 1 and 8 writers beside a bare-SQL baseline; search p50/p95 per engine
    over 100,000 letters as clerks type (words, word parts, abbreviations, ref_no, date ranges)."""
    from bench.registry_bench import main

    raise typer.Exit(main(search_letters=letters, postgres_url=postgres_url or None, search_only=search_only,
                          db_name=db_name))


@bench.command("webhook")
def bench_webhook(
    users: Annotated[int, typer.Option(help="จำนวนผู้ใช้จำลองที่ส่งพร้อมกัน")] = 16,
    per_user: Annotated[int, typer.Option(help="จำนวนหนังสือที่แต่ละคนลงรับ")] = 40,
    postgres_url: Annotated[str, typer.Option(help="PostgreSQL URL (ว่าง = ข้าม)")] = "postgresql://postgres@127.0.0.1:5432/postgres",
    workers: Annotated[int, typer.Option(help="จำนวน worker process ของเซิร์ฟเวอร์ (เหมือน saraban serve --workers)")] = 1,
    caddy: Annotated[bool, typer.Option("--caddy", help="วัดซ้ำผ่าน Caddy (deploy/Caddyfile, HTTPS) ด้วย")] = False,
) -> None:
    """LINE webhook end to end (uvicorn + fake LINE API) beside a reply-only and a bare signature-checking endpoint."""
    from bench.webhook_bench import main

    raise typer.Exit(main(users=users, per_user=per_user, postgres_url=postgres_url or None, workers=workers,
                          caddy=caddy))


@bench.command("handlers")
def bench_handlers(
    pairs: Annotated[int, typer.Option(help="จำนวนคู่ข้อความ (หัวหนังสือ + ยืนยัน)")] = 400,
    threads: Annotated[int, typer.Option(help="จำนวนเธรดพร้อมกัน (เหมือนเธรดของเซิร์ฟเวอร์)")] = 6,
    profile: Annotated[int, typer.Option(help="พิมพ์ฟังก์ชันที่ใช้เวลามากที่สุด N บรรทัด (0 = ไม่พิมพ์)")] = 0,
    postgres_url: Annotated[str, typer.Option(help="PostgreSQL URL (ว่าง = ข้าม)")] = "postgresql://postgres@127.0.0.1:5432/postgres",
) -> None:
    """CPU per ลงรับ (header + confirm) through the handlers alone, without HTTP; SQL statements per pair."""
    from bench.handlers_bench import main

    raise typer.Exit(main(pairs=pairs, threads=threads, postgres_url=postgres_url or None, profile=profile))


@bench.command("audit")
def bench_audit(
    postgres_url: Annotated[str, typer.Option(help="PostgreSQL URL ของฐานข้อมูลสำหรับวัดผล (แยกจากฐานจริง)")] = "postgresql://postgres@127.0.0.1:5432/saraban_bench_audit",
    registrations: Annotated[int, typer.Option(help="จำนวนทะเบียนที่สร้างไว้วัดผล")] = 1_000_000,
    runs: Annotated[int, typer.Option(help="จำนวนรอบที่วัด (ใช้ค่ามัธยฐาน)")] = 5,
) -> None:
    """Draw and check a stratified sample of 400 from 1,000,000 registrations; time the per-unit report."""
    from bench.audit_bench import main

    raise typer.Exit(main(postgres_url=postgres_url, registrations=registrations, runs=runs))


@bench.command("exports")
def bench_exports(
    letters: Annotated[int, typer.Option(help="จำนวนหนังสือในทะเบียนหนึ่งปี")] = 10_000,
) -> None:
    """The register of a year exported as CSV, XLSX and PDF (size, seconds); imported back (seconds, identical)."""
    from bench.export_bench import main

    raise typer.Exit(main(letters=letters))


@bench.command("parse")
def bench_parse() -> None:
    """Messages/s on one core, start-up time and peak RSS of the Thai parser."""
    from bench.parse_bench import main

    raise typer.Exit(main([]))


@bench.command("scan")
def bench_scan(
    pages: Annotated[int, typer.Option(help="จำนวนหนังสือต่อสภาพ (สแกน, ถ่ายรูป, PDF ข้อความ, PDF ภาพ)")] = 30,
    seed: Annotated[int, typer.Option(help="seed ของหนังสือตัวอย่าง")] = 2026,
    conditions: Annotated[str, typer.Option(help="เฉพาะสภาพเหล่านี้ คั่นด้วยจุลภาค (ว่าง = ทั้งหมด)")] = "",
    failures: Annotated[str, typer.Option(help="โฟลเดอร์เก็บไฟล์ที่อ่านผิด (ว่าง = ไม่เก็บ)")] = "",
) -> None:
    """Field accuracy per condition and CPU seconds per page of saraban scan."""
    from bench.scan_bench import main

    raise typer.Exit(main(pages=pages, seed=seed, conditions=conditions, failures=failures))


def main() -> None:
    from pydantic import ValidationError

    try:
        app()
    except ValidationError as exc:
        # A configuration mistake: say which setting and why, never echo the values (they are secrets).
        for error in exc.errors(include_input=False, include_url=False):
            where = ".".join(str(p) for p in error["loc"])
            typer.echo(f"ตั้งค่าไม่ถูกต้อง (configuration error){' ' + where if where else ''}: "
                       f"{error['msg'].removeprefix('Value error, ')}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
