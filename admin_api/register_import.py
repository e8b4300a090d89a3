"""Reading a register file (XLSX or CSV) for registry.importing: the sheet's rows as cells, where its
header row is, and its data rows by line. The export's own files are read back as they were written
(title rows above the header, the count line below the rows, dates in พ.ศ., formula-like cells
neutralised), so an export re-imports losslessly."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry.errors import InvalidInput
from registry.importing import FIELDS, Plan, find_header, guess_mapping, plan_import
from registry.models import Unit

MAX_BYTES = 20 * 1024 * 1024
_FOOTER = re.compile(r"^จำนวน [\d,]+ รายการ")


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (line in the file, cells)
    header_line: int  # 1-based; 0 when the file has no header row we recognise
    sha256: str


def read_rows(data: bytes, filename: str) -> list[list[object]]:
    """Every row of the file's first sheet (XLSX) or of the CSV, as cells."""
    if not data:
        raise InvalidInput("file", "ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ทะเบียน (XLSX หรือ CSV)")
    if len(data) > MAX_BYTES:
        raise InvalidInput("file", f"ไฟล์ใหญ่เกินไป ({len(data) / 1e6:.1f} MB สูงสุด {MAX_BYTES // 2**20} MB)")
    name = filename.lower()
    if data[:2] == b"PK" or name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data)
    if name.endswith(".xls"):
        raise InvalidInput("file", "ไฟล์ .xls รุ่นเก่าอ่านไม่ได้ กรุณาบันทึกเป็น .xlsx หรือ .csv ก่อนค่ะ")
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import from_excel

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or password-protected file
        raise InvalidInput("file", "เปิดไฟล์ XLSX ไม่ได้ ไฟล์อาจเสียหายหรือมีรหัสผ่าน") from exc
    ws = wb.worksheets[0]
    rows: list[list[object]] = []
    for row in ws.iter_rows():
        cells: list[object] = []
        for c in row:
            v = c.value
            # a date whose number format openpyxl does not know as one (the Thai-calendar
            # "[$-107041E]d mmm yyyy") comes back as its serial number
            if isinstance(v, (int, float)) and not isinstance(v, bool) and _looks_like_date_format(c.number_format):
                v = from_excel(v)
            if isinstance(v, dt.datetime) and v.time() == dt.time():
                v = v.date()
            cells.append(v)
        rows.append(cells)
    wb.close()
    return rows


def _looks_like_date_format(fmt: str | None) -> bool:
    body = re.sub(r"\[[^\]]*\]|\"[^\"]*\"", "", fmt or "").lower()
    return "yy" in body and "d" in body


def _csv_rows(data: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("file", "อ่านตัวอักษรในไฟล์ CSV ไม่ได้ กรุณาบันทึกเป็น UTF-8")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:  # e.g. a NUL byte: not a text file
        raise InvalidInput("file", "อ่านไฟล์ CSV ไม่ได้ ไฟล์อาจไม่ใช่ตาราง (บันทึกจาก Excel เป็น .csv หรือ .xlsx)") from exc


def read_sheet(data: bytes, filename: str) -> Sheet:
    rows = read_rows(data, filename)
    at = find_header(rows)
    if at is None:
        headers = [str(c or "") for c in (rows[0] if rows else [])]
        start, header_line = 1, 1
    else:
        headers = [str(c or "") for c in rows[at]]
        start, header_line = at + 1, at + 1
    body: list[tuple[int, list[object]]] = []
    for i, cells in enumerate(rows[start:], start=start + 1):
        filled = [c for c in cells if c not in (None, "")]
        if len(filled) == 1 and isinstance(filled[0], str) and _FOOTER.match(filled[0]):
            continue  # the export's count line
        body.append((i, cells))
    return Sheet(headers, body, header_line if at is not None else 0, hashlib.sha256(data).hexdigest())


def mapping_from(form: dict[str, str] | None, sheet: Sheet) -> dict[str, int]:
    """The column mapping: the one chosen (``map_<field>`` = column number from 1, or empty), else
    the one the header row names."""
    if not form:
        return guess_mapping(sheet.headers)
    mapping: dict[str, int] = {}
    for fld in FIELDS:
        raw = (form.get(f"map_{fld}") or "").strip()
        if raw.isdigit() and 1 <= int(raw) <= max(len(sheet.headers), 1):
            mapping[fld] = int(raw) - 1
    return mapping


def check_file(session: Session, data: bytes, filename: str, *, unit: Unit, direction: str, year: int,
               mapping: dict[str, str] | None, today: dt.date) -> tuple[Sheet, Plan]:
    sheet = read_sheet(data, filename)
    plan = plan_import(session, unit=unit, direction=direction, year=year, rows=sheet.rows,
                       mapping=mapping_from(mapping, sheet), today=today)
    return sheet, plan


def parse_map_options(options: list[str], headers: list[str]) -> dict[str, str]:
    """``--map subject=5`` or ``--map subject=เรื่องย่อ`` (a column number from 1, or its header)."""
    out: dict[str, str] = {}
    names = [re.sub(r"\s+", "", h) for h in headers]
    for opt in options:
        fld, _, col = opt.partition("=")
        fld, col = fld.strip(), col.strip()
        if fld not in FIELDS:
            raise InvalidInput("map", f"ไม่รู้จักช่อง {fld!r} (ใช้ได้: {', '.join(FIELDS)})")
        if col.isdigit():
            out[f"map_{fld}"] = col
        elif re.sub(r"\s+", "", col) in names:
            out[f"map_{fld}"] = str(names.index(re.sub(r"\s+", "", col)) + 1)
        else:
            raise InvalidInput("map", f"ไม่พบคอลัมน์ {col!r} ในไฟล์")
    return out
