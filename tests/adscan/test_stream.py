"""The streaming scan writes exactly what the in-memory scan writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.gen.synth_v1 import generate

from beacon.adscan import InputError, scan_file, scan_to_dir, write_outputs


def _corpus(path: Path, n: int = 1500) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in generate(n, seed=3).records]
    # malformed and duplicate lines go to rejected.jsonl in both paths
    lines[10:10] = ["{broken", json.dumps({"title": "no id"}), lines[0], ""]
    lines.append(json.dumps({"id": "solo", "title": "", "body": ""}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_stream_output_equals_in_memory_output(tmp_path: Path, workers: int) -> None:
    src = _corpus(tmp_path / "in.jsonl")
    ref = scan_file(src)
    write_outputs(ref, tmp_path / "ref")
    got = scan_to_dir(src, tmp_path / "out", workers=workers)
    for name in ("ads.jsonl", "clusters.jsonl", "rejected.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "ads.jsonl",
        "clusters.jsonl",
        "rejected.jsonl",
        "summary.json",
    ]  # no spill files left
    assert got.ads == len(ref.ads) and got.rejected == len(ref.rejected) == 3
    assert got.cluster_ids == [a.cluster_id for a in ref.ads]
    assert got.hubs == ref.hubs and len(got.operations) > 10
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert s["ads"] == got.ads and s["operations"] == len(ref.operations)


def test_stream_singletons_and_unreadable_input(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "in.jsonl", 200)
    ref = scan_file(src, min_cluster_size=1)
    write_outputs(ref, tmp_path / "ref")
    scan_to_dir(src, tmp_path / "out", min_cluster_size=1)
    for name in ("ads.jsonl", "clusters.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes(), name
    with pytest.raises(InputError):
        scan_to_dir(tmp_path / "missing.jsonl", tmp_path / "none")
    assert not (tmp_path / "none").exists()
