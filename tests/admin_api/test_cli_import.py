"""``saraban import-register`` on a database ``saraban init`` made (so through the migrations):
problems by row with exit 1 and nothing written, --dry-run, the import, and the book continued."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

HEADER = "วันที่ลงรับ,เลขทะเบียนรับ,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ\r\n"


def _run(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SARABAN_")}
    env.update(SARABAN_DATABASE_URL=f"sqlite:///{tmp_path}/s.db", SARABAN_ATTACHMENTS_DIR=str(tmp_path / "att"))
    cli = os.path.join(os.path.dirname(sys.executable), "saraban")
    return subprocess.run([cli, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)


def test_import_register_from_the_command_line(tmp_path):
    assert _run(tmp_path, "init", "--demo").returncode == 0
    today = dt.date.today()
    year = today.year + 543
    day = f"{today.day}/{today.month}/{year}"
    bad = tmp_path / "bad.csv"
    bad.write_text("\ufeff" + HEADER + f"{day},1,มท 1/1,,สถ.,ผอ.,เรื่องแรก,,\r\n{day},3,มท 1/3,,สถ.,ผอ.,,,\r\n",
                   encoding="utf-8")
    done = _run(tmp_path, "import-register", str(bad), "--unit", "มท 0202", "--year", str(year))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "แถว 3" in done.stderr and "ไม่มีเรื่อง" in done.stderr and "ไม่มีเลข 2" in done.stderr
    assert "ยังไม่ได้บันทึกสิ่งใด" in done.stderr and "Traceback" not in done.stderr

    good = tmp_path / "good.csv"
    good.write_text("\ufeff" + HEADER + f"{day},1,มท 1/1,,สถ.,ผอ.,เรื่องแรก,,\r\n{day},2,มท 1/2,,สถ.,ผอ.,เรื่องสอง,,\r\n",
                    encoding="utf-8")
    dry = _run(tmp_path, "import-register", str(good), "--unit", "มท 0202", "--year", str(year), "--dry-run")
    assert dry.returncode == 0 and "ยังไม่ได้บันทึก" in dry.stdout, dry.stderr
    done = _run(tmp_path, "import-register", str(good), "--unit", "มท 0202", "--year", str(year))
    assert done.returncode == 0, done.stderr
    assert "นำเข้าแล้ว 2 แถว" in done.stdout and "เลขถัดไปของทะเบียนคือ 3" in done.stdout
    again = _run(tmp_path, "import-register", str(good), "--unit", "มท 0202", "--year", str(year))
    assert again.returncode == 1 and "ต้องเริ่มที่ 3" in again.stderr
    out = tmp_path / "out.csv"
    assert _run(tmp_path, "export", "register", "--unit", "มท 0202", "--year", str(year), "-o", str(out)).returncode == 0
    assert "เรื่องสอง" in out.read_text("utf-8-sig")
    assert _run(tmp_path, "verify").returncode == 0
