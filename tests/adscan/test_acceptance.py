"""Acceptance checks of the ad scan that no other test file owns: a file of only bad
lines, the evaluation generators kept out of the installed package, operations that say
why an identifier was set aside, and the test tree itself (no assertion that cannot fail)."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import random
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from beacon.adscan import scan_records
from beacon.adscan.cli import main

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- bad input
def test_a_file_of_only_bad_lines_exits_nonzero_with_a_clear_message(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n[1, 2]\n" + json.dumps({"title": "no id"}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["scan", str(bad), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"error: no ad could be scanned from {bad}" in err
    assert "all 3 record(s) were rejected" in err and str(out / "rejected.jsonl") in err
    rejected = [json.loads(x) for x in (out / "rejected.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rejected] == [1, 2, 3]
    assert rejected[0]["reason"].startswith("invalid JSON")
    assert "JSON object" in rejected[1]["reason"] and "missing required field 'id'" in rejected[2]["reason"]
    assert (out / "ads.jsonl").read_text(encoding="utf-8") == ""

    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["scan", str(empty), "--out", str(tmp_path / "o2"), "--quiet"]) == 1
    assert "holds no records" in capsys.readouterr().err


def test_the_process_exit_status_of_a_file_of_only_bad_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "beacon.adscan", "scan", str(bad), "--out", str(tmp_path / "o"), "--quiet"],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "no ad could be scanned" in proc.stderr and "1 record(s) were rejected" in proc.stderr


# ---------------------------------------------------------------- the generators live outside the package
def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


def test_generators_are_not_in_the_installed_package() -> None:
    assert importlib.util.find_spec("beacon.adscan.synth") is None
    package = ROOT / "src" / "beacon"
    assert not list(package.rglob("synth*.py"))
    for path in package.rglob("*.py"):
        assert not {m for m in _imports(path) if m == "bench" or m.startswith("bench.")}, path


def test_evaluation_generators_do_not_read_the_extractor() -> None:
    """Generators A, B and C are written without the extractor's word lists or place list
    (only the old ``synth_v1`` imports ``beacon.adscan``, as it always did)."""
    gen = ROOT / "bench" / "gen"
    checked = 0
    for path in sorted(gen.glob("*.py")):
        if path.name == "synth_v1.py":
            continue
        assert not {m for m in _imports(path) if m.startswith("beacon")}, path
        checked += 1
    assert checked >= 4  # _common, grammar, behaviour, mutate


# ---------------------------------------------------------------- why an identifier was set aside
def _text(tag: str) -> str:
    r = random.Random(tag)
    return " ".join("".join(r.choice(string.ascii_lowercase) for _ in range(7)) for _ in range(25))


def test_an_operation_says_which_identifier_was_set_aside_and_why() -> None:
    """An operation of 12 spun ads on one phone, some carrying a site footer number that
    ten unrelated posters (own phone, own text) carry too: the footer is set aside, the
    operation stays whole, and its explanation names the footer with the reason."""
    recs = []
    for i in range(12):
        body = f"{_text(f'op{i}')} call 816-234-0001"
        if i % 4 == 0:
            body += " report abuse 816-234-9999"
        recs.append({"id": f"op-{i}", "body": body})
    for p in range(10):
        recs.append({"id": f"poster-{p}", "body": f"{_text(f'poster{p}')} call 816-234-{1000 + p} "
                                                  "report abuse 816-234-9999"})  # fmt: skip
    res = scan_records(recs)
    ops = [o for o in res.operations if any(a.startswith("op-") for a in o.ad_ids)]
    assert len(ops) == 1 and sorted(ops[0].ad_ids) == sorted(f"op-{i}" for i in range(12))
    links = ops[0].links
    assert [j["identifier"] for j in links["joined_by"]] == ["tel:+18162340001"]
    aside = {x["identifier"]: x for x in links["set_aside"]}
    assert set(aside) == {"tel:+18162349999"}
    assert aside["tel:+18162349999"]["ads_here"] == 3
    assert aside["tel:+18162349999"]["reason"].startswith("shared:")
    assert not any(a.cluster_id for a in res.ads if a.ad.id.startswith("poster-"))


# ---------------------------------------------------------------- the test tree
def _always_true(node: ast.AST) -> bool:
    """``x or True``, ``x or 1``, ``True``: an expression whose truth does not depend on x."""
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return any(_always_true(v) for v in node.values)
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        return all(_always_true(v) for v in node.values)
    return False


def test_the_always_true_detector() -> None:
    def check(src: str) -> bool:
        return _always_true(ast.parse(src, mode="eval").body)

    assert check("x or True") and check("(a and b) or 1") and check("True") and check("x == 1 or 'y'")
    assert not check("x or y") and not check("x and True") and not check("x or False") and not check("x")


def test_no_test_asserts_something_that_cannot_fail() -> None:
    offenders = []
    files = sorted((ROOT / "tests").rglob("*.py"))
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assert) and _always_true(node.test):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert len(files) > 100
    assert offenders == []


# ---------------------------------------------------------------- batch = incremental on the evaluation generators
def _generated(name: str, seed: int) -> list[dict[str, object]]:
    from bench.adscan_eval import GENERATORS, draw_settings

    p = draw_settings(name, 1, seed, 400, 400)[0]
    p.update(op_max=120, boilerplate=0.4, aggregator=0.25, agent_share=0.3, spin=0.25, phones_max=4, one_off=0.4)
    return GENERATORS[name](seed, p).records


def _partition(pairs: list[tuple[str, object]]) -> set[frozenset[str]]:
    groups: dict[object, set[str]] = {}
    for ad_id, label in pairs:
        groups.setdefault(label if label is not None else "solo:" + ad_id, set()).add(ad_id)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.parametrize("name", ["A grammar", "B behaviour", "C mutate"])
def test_incremental_gives_the_batch_operations_on_generated_corpora(name: str) -> None:
    """Spun operations, booking agents, aggregator reposts, shared stock lines and footers:
    ads added one at a time, in another order, give the operations of the batch scan."""
    from beacon.adscan import OperationIndex, analyse_ad
    from beacon.adscan.records import parse_record

    recs = _generated(name, 5)
    batch = scan_records(recs)
    expected = _partition([(a.ad.id, a.cluster_id) for a in batch.ads])
    assert any(len(g) >= 20 for g in expected)  # there is something to get wrong
    order = list(recs)
    random.Random(9).shuffle(order)
    idx = OperationIndex(bucket_sample=10_000)  # compare with every ad of a bucket, as the batch does
    for rec in order:
        a = analyse_ad(parse_record(rec))
        idx.add(a.ad.id, a.shingle_text.split(), a.identifiers)
    sizes = Counter(idx.labels())
    got = _partition([(i, lab if sizes[lab] > 1 else None) for i, lab in zip(idx.ad_ids, idx.labels(), strict=True)])
    assert got == expected
