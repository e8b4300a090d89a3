"""``saraban bench parse``: parser throughput, start-up time and peak memory.

Everything is measured in a fresh subprocess pinned to one CPU, so the figures are those of a
cold ``saraban parse`` and are not flattered by modules this process already imported:

* start-up: from the first ``import`` of the parser to the end of the first parse;
* throughput: typical messages (the dev set's texts, or built-in samples when it is not at
  hand) parsed in a loop for a few seconds, start-up excluded;
* peak RSS: ``ru_maxrss`` of that subprocess at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

TARGETS = {"messages_per_s": 3000.0, "startup_s": 1.5, "peak_rss_mb": 200.0}

_ROOT = Path(__file__).resolve().parents[1]
_DEV_SET = _ROOT.parent / "shared" / "data" / "parse-dev.jsonl"

# Typical traffic when the dev set is not available: pasted headers and short commands.
_SAMPLES = (
    "รับหนังสือ ด่วนที่สุด ที่ มท 0808.2/ว 1095 ลงวันที่ 5 ตุลาคม 2567 จาก กรมส่งเสริมการปกครองท้องถิ่น "
    "เรื่อง การเตรียมความพร้อมรับมือสาธารณภัยในช่วงฤดูฝน",
    "ลงรับ\nที่ กค ๐๔๐๒.๒/ว ๑๙๕\nลงวันที่ ๒๕ ต.ค. ๖๗\nจาก กรมบัญชีกลาง\nเรื่อง แนวทางการเบิกจ่ายเงินงบประมาณ\n"
    "ชั้นความเร็ว ด่วน",
    "หนังสือกรมบัญชีกลาง ด่วนที่สุด ที่ กค 0402.2/ว 195 ลงวันที่ 25ตค.67 เรื่อง ซักซ้อมความเข้าใจการจัดซื้อจัดจ้าง",
    "เรื่อง ขอเชิญประชุมคณะกรรมการจังหวัด (ที่ รย 0017.2/ว 2157 ลว. 30 ม.ค. 69)",
    "ส่งต่อ 12 ให้ กองคลัง เพื่อดำเนินการ",
    "รับทราบ 12",
    "ค้นหา น้ำท่วม",
    "สุ่มตรวจ กองกลาง 20",
    "งานของฉัน",
)

_CHILD = r"""
import json, os, resource, sys, time
if hasattr(os, "sched_setaffinity"):
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except OSError:
        pass
job = json.loads(sys.stdin.read())
messages, seconds = job["messages"], job["seconds"]
t0 = time.perf_counter()
from nlp.parse import parse_message
parse_message(messages[0])
startup = time.perf_counter() - t0
count, n = 0, len(messages)
start = time.perf_counter()
deadline = start + seconds
while True:
    for i in range(200):
        parse_message(messages[(count + i) % n])
    count += 200
    now = time.perf_counter()
    if now >= deadline:
        break
elapsed = now - start
print(json.dumps({
    "startup_s": startup,
    "messages_per_s": count / elapsed,
    "messages": count,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
}))
"""


def _messages() -> list[str]:
    if _DEV_SET.is_file():
        texts = []
        for line in _DEV_SET.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
        if texts:
            return texts
    return list(_SAMPLES)


def measure(seconds: float = 3.0) -> dict:
    """Run the benchmark subprocess and return its figures."""
    messages = _messages()
    env = dict(os.environ, PYTHAINLP_OFFLINE="1", PYTHAINLP_READ_ONLY="1", PYTHONDONTWRITEBYTECODE="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=json.dumps({"messages": messages, "seconds": seconds}),
        capture_output=True,
        text=True,
        cwd=_ROOT,
        env=env,
        check=False,
        timeout=seconds + 120,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{proc.stderr}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["distinct_messages"] = len(messages)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="saraban bench parse", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to run the throughput loop")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    figures = measure(args.seconds)
    if args.json:
        print(json.dumps(figures))
        return 0
    rate, startup, rss = figures["messages_per_s"], figures["startup_s"], figures["peak_rss_mb"]
    rows = (
        ("throughput (one core)", f"{rate:,.0f} messages/s", f">= {TARGETS['messages_per_s']:,.0f}",
         rate >= TARGETS["messages_per_s"]),
        ("start-up (import to first parse)", f"{startup:.3f} s", f"< {TARGETS['startup_s']} s",
         startup < TARGETS["startup_s"]),
        ("peak RSS", f"{rss:.1f} MB", f"< {TARGETS['peak_rss_mb']:.0f} MB", rss < TARGETS["peak_rss_mb"]),
    )  # fmt: skip
    print(f"saraban bench parse — {figures['messages']:,} parses of {figures['distinct_messages']} typical messages")
    print(f"{'measure':<34} {'result':>20}  {'target':>10}  ok")
    for name, result, target, ok in rows:
        print(f"{name:<34} {result:>20}  {target:>10}  {'yes' if ok else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
