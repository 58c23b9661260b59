"""Input formats, rejected rows, outputs and the command line."""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

from beacon.adscan import scan_file
from beacon.adscan.cli import main

GOOD = {"id": "g1", "posted_at": "2025-03-01T10:00:00Z", "title": "Sweet", "body": "call 816-234-5678 petite"}


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rejected_rows_with_line_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps({"title": "no id"}),
        json.dumps({"id": "g2", "posted_at": "yesterday"}),
        "",
        json.dumps([1, 2]),
        json.dumps({"id": "g1", "body": "dup"}),
        json.dumps({"id": "g3", "images": 5}),
        json.dumps({"id": "g4", "body": "ok", "images": ["AbC"]}),
    ]
    res = scan_file(_jsonl(tmp_path / "in.jsonl", lines))
    assert [a.ad.id for a in res.ads] == ["g1", "g4"]
    assert res.ads[1].ad.images == ("abc",)
    got = [(r.line, r.reason.split(":")[0].split(" ")[0]) for r in res.rejected]
    assert [g[0] for g in got] == [2, 3, 4, 6, 7, 8]
    reasons = {r.line: r.reason for r in res.rejected}
    assert reasons[2].startswith("invalid JSON")
    assert "missing required field 'id'" in reasons[3]
    assert "posted_at" in reasons[4]
    assert "JSON object" in reasons[6]
    assert "duplicate id" in reasons[7]
    assert "images" in reasons[8]


def test_gzip_and_csv_inputs(tmp_path: Path) -> None:
    gz = tmp_path / "in.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as f:
        f.write(json.dumps(GOOD) + "\n")
    assert [a.phones for a in scan_file(gz).ads] == [["+18162345678"]]

    c = tmp_path / "in.csv"
    with c.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "posted_at", "title", "body", "city", "state", "images"])
        w.writerow(
            ["c1", "2025-03-01T10:00:00", "Hi", "multi\nline body 816.234.5678", "St Louis", "MO", "h1;h2"]
        )
        w.writerow(["c2", "bad-date", "", "", "", "", ""])
        w.writerow(["c3", "only", "three"])
    res = scan_file(c)
    assert [a.ad.id for a in res.ads] == ["c1"]
    assert res.ads[0].ad.images == ("h1", "h2")
    assert res.ads[0].place is not None and res.ads[0].place.name == "St. Louis"
    assert [(r.line, "posted_at" in r.reason or "fields" in r.reason) for r in res.rejected] == [
        (4, True),
        (5, True),
    ]

    # gzip CSV, detected by magic bytes even without .gz suffix
    gzc = tmp_path / "feed.bin"
    gzc.write_bytes(gzip.compress(c.read_bytes()))
    assert [a.ad.id for a in scan_file(gzc).ads] == ["c1"]


def test_image_paths_get_perceptual_hash(tmp_path: Path) -> None:
    from PIL import Image

    img = Image.new("RGB", (32, 32), (200, 10, 10))
    for x in range(16):
        img.putpixel((x, x), (0, 0, 0))
    img.save(tmp_path / "p.png")
    res = scan_file(_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "i1", "images": ["p.png"]})]))
    assert res.ads[0].ad.images[0].startswith("phash:")


def test_cli_writes_outputs_and_exit_codes(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = _jsonl(tmp_path / "in.jsonl", [json.dumps(GOOD), "{bad"])
    out = tmp_path / "out"
    assert main(["scan", str(src), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "scanned 1 ads" in printed
    ads = [json.loads(x) for x in (out / "ads.jsonl").read_text().splitlines()]
    assert ads[0]["id"] == "g1" and ads[0]["phones"] == ["+18162345678"]
    assert {"id", "phones", "emails", "handles", "prices", "ages", "indicators", "risk", "cluster_id"} <= set(
        ads[0]
    )
    rej = [json.loads(x) for x in (out / "rejected.jsonl").read_text().splitlines()]
    assert rej[0]["line"] == 2 and rej[0]["reason"].startswith("invalid JSON")
    assert (out / "clusters.jsonl").exists()

    bad = _jsonl(tmp_path / "bad.jsonl", ["{bad", "[]"])
    assert main(["scan", str(bad), "--out", str(tmp_path / "o2"), "--quiet"]) == 1
    assert main(["scan", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o3"), "--quiet"]) == 2
    nocol = tmp_path / "x.csv"
    nocol.write_text("title,body\na,b\n", encoding="utf-8")
    assert main(["scan", str(nocol), "--out", str(tmp_path / "o4"), "--quiet"]) == 2


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", [json.dumps(GOOD)])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "beacon.adscan", "scan", str(src), "--out", str(tmp_path / "o"), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["ads"] == 1 and summary["rejected"] == 0
    assert "django" not in proc.stderr.lower()
