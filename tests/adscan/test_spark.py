"""The Spark engine (``beacon ads scan --engine spark``): the single process's outputs from the
same rules, distributed; bad input, empty partitions, a missing file; the hand-off to ingest.

One SparkSession (``local[2]``, 2 shuffle partitions) serves the module; the scans run once per
module (fixtures), the tests read their outputs.  Skipped, with the reason, when pyspark or
Java 17 is missing (``make pytest`` installs both)."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bench.adscan_eval import GENERATORS, draw_settings, pairwise_prf

from beacon.adscan.records import InputError, iter_file
from beacon.adscan.spark import spark_problem
from beacon.adscan.stream import scan_to_dir

_PROBLEM = spark_problem()
pytestmark = pytest.mark.skipif(_PROBLEM is not None, reason=f"Spark engine unavailable: {_PROBLEM}")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from beacon.adscan.spark.engine import spark_session

    s = spark_session("local[2]", partitions=2, app="beacon tests")
    yield s
    s.stop()


def _words(tag: str, n: int = 25) -> str:
    r = random.Random(tag)
    return " ".join("".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(3, 8))) for _ in range(n))


def linking_records() -> list[dict[str, Any]]:
    """An operation of 40 spun ads on two phones; 30 posters with their own phone and photo, a
    third of whom carry one site footer number and one placeholder photo (both shared: hubs)."""

    def ph(k: int) -> str:
        return f"(816) 234-{k:04d}"

    recs: list[dict[str, Any]] = []
    for i in range(40):
        p = [ph(1) if i % 3 else ph(2)]
        if i % 5 == 0:
            p.append(ph(2) if p[0] == ph(1) else ph(1))
        recs.append({"id": f"L-op-{i}", "site": "s.example", "body": _words(f"op{i}") + " call " + " or ".join(p)})
    for p_ in range(30):
        for j in range(2):
            body = _words(f"poster{p_}") + " text " + ph(100 + p_)
            imgs = [f"{(p_ + 1) * 0x1111111:016x}"]
            if p_ % 3 == 0 and j == 0:
                body += " report abuse 816 555 0999"
                imgs.append("00000000000000ff")
            recs.append({"id": f"L-poster-{p_}-{j}", "site": "s.example", "body": body, "images": imgs})
    return recs


def corpus_lines() -> tuple[list[str], dict[str, str]]:
    """The three evaluation generators (ids prefixed), the linking scenario, bad lines and a
    duplicate id: JSON lines, and each generated ad's true group."""
    lines: list[str] = []
    truth: dict[str, str] = {}
    for g, name in enumerate(GENERATORS):
        s = draw_settings(name, 1, 3, 250, 250)[0]
        s.update(op_max=40, aggregator=0.3, agent_share=0.3, boilerplate=0.5, spin=0.3)
        gen = GENERATORS[name](5 + g, s)
        for r in gen.records:
            truth[f"{name[0]}-{r['id']}"] = f"{name[0]}-{gen.labels[r['id']]}"
            lines.append(json.dumps({**r, "id": f"{name[0]}-{r['id']}"}))
    lines.extend(json.dumps(r) for r in linking_records())
    lines[7:7] = ["{not json", "", '{"site": "x.example", "body": "no id"}', "[1, 2]"]
    lines.insert(300, lines[20])  # a duplicate (site, id): rejected after the first
    return lines, truth


@pytest.fixture(scope="module")
def scans(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One Spark scan of a folder (the corpus, an empty file, a gzip file and a CSV with bad
    rows) and the single process's scan of the corpus file."""
    from beacon.adscan.spark.engine import scan_spark

    root = tmp_path_factory.mktemp("spark")
    src = root / "in"
    src.mkdir()
    lines, truth = corpus_lines()
    (src / "a-corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "b-empty.jsonl").write_text("", encoding="utf-8")
    with gzip.open(src / "c-bad.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write('{"id": "gz-1", "posted_at": "yesterday"}\n\n{oops\n')
    (src / "d-bad.csv").write_text("id,body,site\nz-1,only two\n", encoding="utf-8")
    single = scan_to_dir(src / "a-corpus.jsonl", root / "single", store=True)
    res = scan_spark(spark, str(src), str(root / "spark"), store=True)
    return {"root": root, "src": src, "single": single, "spark": res, "truth": truth}


def _lines(folder: Path) -> list[str]:
    assert (folder / "_SUCCESS").is_file()
    return [x for p in sorted(folder.glob("part-*")) for x in p.read_text(encoding="utf-8").splitlines()]


def _file(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_same_ads_operations_and_store_as_the_single_process(scans: dict[str, Any]) -> None:
    root = scans["root"]
    assert _lines(root / "spark" / "ads") == _file(root / "single" / "ads.jsonl")
    assert _lines(root / "spark" / "clusters") == _file(root / "single" / "clusters.jsonl")
    assert _lines(root / "spark" / "store") == _file(root / "single" / "store.jsonl")
    ours = json.loads((root / "spark" / "summary.json").read_text())
    theirs = json.loads((root / "single" / "summary.json").read_text())
    for s in (ours, theirs):
        s.pop("seconds")
        s.pop("engine", None)
    extra = sum(1 for name in ("c-bad.jsonl.gz", "d-bad.csv") for r in iter_file(scans["src"] / name)
                if not hasattr(r, "id"))  # the rejected lines of the gzip and CSV files  # fmt: skip
    assert extra == 3
    assert ours["rejected"] == theirs["rejected"] + extra
    ours["rejected"] = theirs["rejected"]
    assert ours == theirs
    assert theirs["hub_identifiers"] >= 2  # the footer number and the placeholder photo were decided shared


def test_pairwise_agreement_per_generator(scans: dict[str, Any]) -> None:
    root, truth = scans["root"], scans["truth"]
    ours = {json.loads(x)["id"]: json.loads(x)["cluster_id"] for x in _lines(root / "spark" / "ads")}
    theirs = {json.loads(x)["id"]: json.loads(x)["cluster_id"] for x in _file(root / "single" / "ads.jsonl")}
    assert ours.keys() == theirs.keys()
    for g in "ABC":
        ids = [i for i in theirs if i.startswith(f"{g}-")]
        assert len(ids) >= 240
        pred = [ours[i] or f"alone:{i}" for i in ids]
        ref = [theirs[i] or f"alone:{i}" for i in ids]
        assert pairwise_prf(pred, ref)[2] >= 0.999
        # and both find the generator's operations about equally well (not a tautology of equality)
        true = [truth[i] for i in ids]
        assert abs(pairwise_prf(pred, true)[2] - pairwise_prf(ref, true)[2]) < 1e-9


def test_bad_lines_empty_files_gzip_and_csv_are_rejected_with_their_line(scans: dict[str, Any]) -> None:
    root, src = scans["root"], scans["src"]
    got = [json.loads(x) for x in _lines(root / "spark" / "rejected")]
    expected = [json.loads(x) for x in _file(root / "single" / "rejected.jsonl")]
    for name in ("c-bad.jsonl.gz", "d-bad.csv"):  # files in name order, lines in file order
        expected += [r.to_dict() for r in iter_file(src / name) if not hasattr(r, "id")]
    assert got == expected
    reasons = [r["reason"] for r in got]
    assert any(r.startswith("invalid JSON") for r in reasons)
    assert "missing required field 'id'" in reasons
    assert any(r.startswith("duplicate id") for r in reasons)
    assert any("not ISO 8601" in r for r in reasons)
    assert "row has 2 fields, header has 3" in reasons
    assert scans["spark"].ads == scans["single"].ads


def test_single_file_merges_the_parts(spark: Any, tmp_path: Path) -> None:
    from beacon.adscan.spark.engine import scan_spark

    src = tmp_path / "small.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in linking_records()[:12]) + "\n", encoding="utf-8")
    res = scan_spark(spark, str(src), str(tmp_path / "out"), single_file=True)
    single = scan_to_dir(src, tmp_path / "ref")
    for name in ("ads", "clusters", "rejected"):
        assert _file(tmp_path / "out" / f"{name}.jsonl") == _file(Path(single.paths[name]))
        assert not (tmp_path / "out" / name).exists()
    assert res.ads == 12 and not (tmp_path / "out" / "_work").exists()


def test_missing_input_is_one_clear_error(spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from beacon.adscan.cli import main
    from beacon.adscan.spark.engine import scan_spark

    with pytest.raises(InputError, match="input not found: .*nowhere"):
        scan_spark(spark, str(tmp_path / "nowhere" / "*.jsonl"), str(tmp_path / "out"))
    assert main(["scan", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o"), "--engine", "spark",
                 "--quiet"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: input not found: {tmp_path / 'missing.jsonl'}"]
    assert spark.sparkContext._jsc is not None  # the caller's session is left running


def test_components_match_scipy(spark: Any) -> None:
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components as scipy_cc

    from beacon.adscan.spark.components import connected_components

    rng = random.Random(4)
    n = 300
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(220)] + [(i, i + 1) for i in range(200, 260)]
    labels, rounds = connected_components(spark.createDataFrame(edges, "a long, b long"))
    got = {int(r["node"]): int(r["label"]) for r in labels.collect()}
    a, b = np.array(edges).T
    _, lab = scipy_cc(coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)), directed=False)
    smallest: dict[int, int] = {}
    for i, c in enumerate(lab.tolist()):
        smallest.setdefault(c, i)
    touched = {x for e in edges for x in e if e[0] != e[1]}
    assert got == {i: smallest[lab[i]] for i in touched}
    assert rounds >= 2


def _without(env_drop: str, code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    if env_drop == "java":
        env["PATH"] = str(tmp_path)  # no java on it
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300, check=False)  # fmt: skip


def test_without_java_or_pyspark_the_scan_says_so_in_one_line(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text('{"id": "1", "body": "hello"}\n', encoding="utf-8")
    run = (f"import sys; from beacon.adscan.cli import main; "
           f"sys.exit(main(['scan', {str(src)!r}, '--out', {str(tmp_path / 'o')!r}, '--engine', 'spark']))")  # fmt: skip
    no_java = _without("java", run, tmp_path)
    assert no_java.returncode == 2
    assert no_java.stderr.strip().splitlines() == [
        "error: --engine spark: Java is not installed (the Spark engine needs Java 17: "
        "apt-get install openjdk-17-jre-headless, or set JAVA_HOME)"
    ]
    no_pyspark = _without("", "import sys; sys.modules['pyspark'] = None; " + run, tmp_path)
    assert no_pyspark.returncode == 2
    assert len(no_pyspark.stderr.strip().splitlines()) == 1
    assert "pyspark is not installed" in no_pyspark.stderr


@pytest.mark.django_db
def test_ingest_takes_the_spark_folder(scans: dict[str, Any]) -> None:
    from beacon.monitoring import services
    from beacon.monitoring.models import Ad, Operation
    from tests.monitoring.test_bulk_ingest import snapshot

    root = scans["root"]
    run = services.ingest_file(root / "spark", acting_user=None, chunk_size=500)
    assert (run.created, run.rejected) == (scans["spark"].ads, scans["spark"].rejected)
    from_spark = snapshot()
    Ad.objects.all().delete()
    Operation.objects.all().delete()
    services.ingest_file(root / "single", acting_user=None, chunk_size=500)
    assert snapshot() == from_spark
