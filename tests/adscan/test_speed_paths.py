"""The scan's fast paths change nothing: orjson I/O gives json's exact values,
messages and text, and ``--workers 1`` and ``--workers 2`` write the same bytes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from bench.gen.behaviour import generate

from beacon.adscan import scan_file, scan_to_dir
from beacon.adscan.jsonio import dumps, loads, try_loads
from beacon.adscan.records import iter_file, parse_record

STD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

TRICKY_VALUES = [
    1e-5, 1e-7, 0.0001, 1e16, 1.5e300, -0.0, 0.0, 123.0, 0.1 + 0.2, 5e-324,  # float forms
    {"a": 2**70}, [-(2**63) - 1], {1: 2}, "\ud800x",  # orjson refuses these
    "é ✨ \u2028 \x00\x1f \"quoted\" \\", "1e5 0.00001", {"x": [0.00001, {"y": 1e20}]}, True, None,
]  # fmt: skip


@pytest.mark.parametrize("value", TRICKY_VALUES, ids=repr)
def test_dumps_writes_exactly_what_json_writes(value: object) -> None:
    assert dumps(value) == STD(value)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"id":12345678901234567890123,"body":"big id"}',  # orjson would read a float
        b'{"images":[-9223372036854775809]}',
        b'{"a":[{"b":99999999999999999999999}]}',
        b'{"a":NaN,"b":Infinity}',  # json accepts, orjson refuses
        b'{"a":1,"a":2}',
        b'{"a":"\\ud800"}',
        b'  {"a":1.0000000000000002}\r\n',
    ],
)
def test_loads_reads_exactly_what_json_reads(raw: bytes) -> None:
    got, want = loads(raw), json.loads(raw)
    assert repr(got) == repr(want)
    assert type(got["id"] if "id" in got else None) is type(want.get("id"))


@pytest.mark.parametrize("raw", [b"not json", b'{"a":1}x', b"\xef\xbb\xbf{}", b'{"a":\xff}', b""])
def test_loads_leaves_bad_input_to_json(raw: bytes) -> None:
    assert try_loads(raw) == (False, None)
    with pytest.raises(ValueError):
        json.loads(raw.decode("utf-8"))  # (what the reader does then: same messages as before)


def test_big_integer_id_stays_an_integer_id(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": 12345678901234567890123, "body": "hello"}\n')
    [ad] = list(iter_file(src))
    assert not isinstance(ad, float) and getattr(ad, "id", None) == "12345678901234567890123"


def test_lone_surrogate_is_rejected_with_a_reason_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"'body' is not valid Unicode: lone surrogate '\\ud800' at character 3"
    ):
        parse_record({"id": "x", "body": "ab\ud800"})
    src = tmp_path / "in.jsonl"
    good = json.dumps({"id": "ok", "body": "Call 816 555 0123 tonight"})
    src.write_text(good + '\n{"id": "bad", "body": "x \\udc80 y"}\n' + good.replace('"ok"', '"ok2"') + "\n")
    res = scan_to_dir(src, tmp_path / "out")
    assert res.ads == 2 and res.rejected == 1
    [rej] = [json.loads(x) for x in (tmp_path / "out" / "rejected.jsonl").read_text().splitlines()]
    assert rej["line"] == 2 and "lone surrogate" in rej["reason"] and "\\udc80" in rej["raw"]


def _behaviour_corpus(path: Path, n: int = 900) -> Path:
    g = generate(5, {"n": n, "spin": 0.2, "phones_max": 4, "op_max": 120, "boilerplate": 0.3,
                     "aggregator": 0.15, "one_off": 0.5, "agent_share": 0.15, "obfuscate": 0.3})  # fmt: skip
    lines = [json.dumps(r, ensure_ascii=False, default=str) for r in g.records]
    lines[5:5] = ["{broken", '{"id": 12345678901234567890123, "body": "big"}', "\ufeff{}", lines[0]]
    lines.append(json.dumps({"id": "job-1", "kind": "job", "title": "Farm workers needed",
                             "body": "Earn $40/hr, housing deducted from your pay. Fee of $450. Call 573-555-0101."}))  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_workers_one_and_two_write_the_same_bytes(tmp_path: Path) -> None:
    src = _behaviour_corpus(tmp_path / "in.jsonl")
    outs = {}
    for w in (1, 2):
        res = scan_to_dir(src, tmp_path / f"w{w}", workers=w)
        outs[w] = {
            n: (tmp_path / f"w{w}" / n).read_bytes()
            for n in ("ads.jsonl", "clusters.jsonl", "rejected.jsonl")
        }
        s = json.loads((tmp_path / f"w{w}" / "summary.json").read_text())
        s.pop("seconds")
        outs[w]["summary"] = json.dumps(s).encode()
        assert res.rejected == 3 and res.ads > 800 and len(res.operations) > 5
    assert outs[1] == outs[2]


def test_output_lines_are_the_standard_encoders(tmp_path: Path) -> None:
    src = _behaviour_corpus(tmp_path / "in.jsonl", 300)
    ref = scan_file(src)
    scan_to_dir(src, tmp_path / "out")
    lines = (tmp_path / "out" / "ads.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines == [STD(a.to_dict()) for a in ref.ads]
    ops = (tmp_path / "out" / "clusters.jsonl").read_text(encoding="utf-8").splitlines()
    assert ops == [STD(o.to_dict()) for o in ref.operations]
    assert all(math.isfinite(a.risk) for a in ref.ads)
