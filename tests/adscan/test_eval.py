"""The evaluation harness (bench/adscan_eval.py and bench/gen/): generators and metrics."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest
from bench.adscan_eval import GENERATORS, draw_settings, main, pair_counts, pairwise_prf, singletons_as_own
from bench.gen._common import reencode, write_corpus
from hypothesis import given, settings
from hypothesis import strategies as st


def _params(name: str, n: int = 400, op_max: int = 60) -> dict[str, object]:
    s = draw_settings(name, 1, 3, n, n)[0]
    s.update(op_max=op_max, aggregator=0.3, agent_share=0.3, boilerplate=0.5, spin=0.3)
    return s


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generator_is_deterministic_per_seed(name: str) -> None:
    p = _params(name)
    a, b = GENERATORS[name](5, p), GENERATORS[name](5, p)
    assert a.records == b.records and a.labels == b.labels
    c = GENERATORS[name](6, p)
    assert [r["body"] for r in c.records] != [r["body"] for r in a.records]


@pytest.mark.parametrize("name", list(GENERATORS))
def test_labels_are_complete_and_sizes_within_range(name: str) -> None:
    p = _params(name, n=500, op_max=40)
    g = GENERATORS[name](11, p)
    ids = [r["id"] for r in g.records]
    assert len(ids) == 500 and len(set(ids)) == 500
    assert set(g.labels) == set(ids)  # every ad labelled, nothing else
    sizes = Counter(g.labels.values())
    kinds = Counter(g.kinds[lab] for lab in sizes)
    assert kinds["op"] and kinds["oneoff"]
    for lab, size in sizes.items():
        if g.kinds[lab] == "oneoff":
            assert size in (1, 2), (lab, size)  # the ad, maybe one aggregator repost
        else:
            assert 2 <= size <= 40, (lab, size)
    # ground truth never leaks into the ad records
    for r in g.records:
        assert not set(r) - {"id", "posted_at", "site", "url", "title", "body", "city", "state", "phone",
                             "age", "images"}  # fmt: skip
        assert g.labels[r["id"]] not in json.dumps(r)
    # aggregators repost: some ads sit on aggregator sites with the original's label
    assert any(r["site"].startswith(("escortaggregator", "adreposter", "cityxguide")) for r in g.records)


def test_write_corpus_keeps_truth_apart(tmp_path) -> None:
    g = GENERATORS["C mutate"](2, _params("C mutate", n=50))
    ads, truth = write_corpus(g, tmp_path)
    lines = ads.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 50 and all("labels" not in json.loads(x) for x in lines)
    assert json.loads(truth.read_text())["labels"] == g.labels


def test_reencoded_photo_is_a_small_hamming_step() -> None:
    import random

    rng = random.Random(1)
    dists = []
    for _ in range(500):
        h = f"{rng.getrandbits(64):016x}"
        dists.append(bin(int(h, 16) ^ int(reencode(h, rng, 6), 16)).count("1"))
    assert all(1 <= d <= 10 for d in dists)
    heavy = sum(d > 6 for d in dists)  # heavy re-crops: about one in ten
    assert 20 <= heavy <= 90


def test_draw_settings_cover_the_ranges() -> None:
    ss = draw_settings("A grammar", 200, 1, 2000, 20000)
    assert ss == draw_settings("A grammar", 200, 1, 2000, 20000)
    for key, lo, hi in [("spin", 0, 0.3), ("phones_max", 1, 6), ("op_max", 2, 1000), ("boilerplate", 0, 0.5),
                        ("aggregator", 0, 0.3), ("one_off", 0.2, 0.8), ("n", 2000, 20000)]:  # fmt: skip
        vals = [s[key] for s in ss]
        assert lo <= min(vals) and max(vals) <= hi
        assert max(vals) - min(vals) > 0.8 * (hi - lo), key  # spread over the range


def test_every_run_of_settings_reaches_operations_near_1000_ads() -> None:
    """op_max is stratified over its log scale: 20 settings always include one above 2 * 500**0.95
    (about 730 ads) and one below 3; the corpus is large enough to hold it beside its one-offs."""
    for name in GENERATORS:
        for seed in (1, 2, 3):
            ss = draw_settings(name, 20, seed, 2000, 10000)
            tops = sorted(s["op_max"] for s in ss)
            assert tops[-1] >= 730 and tops[0] <= 3, (name, seed, tops)
            for s in ss:
                assert s["n"] - int(s["n"] * s["one_off"]) >= s["op_max"], s
                assert 2000 <= s["n"] <= 10000


@pytest.mark.parametrize("name", list(GENERATORS))
def test_the_largest_operation_is_written(name: str) -> None:
    p = _params(name, n=2500, op_max=900)
    p.update(one_off=0.5)
    g = GENERATORS[name](4, p)
    sizes = Counter(g.labels.values())
    largest, size = sizes.most_common(1)[0]
    assert size == 900 and g.kinds[largest] in {"op", "agent"}
    # it posts from its phones across many ads, with its own text and photos spread over them
    ads = [r for r in g.records if g.labels[r["id"]] == largest]
    assert len({r["body"] for r in ads}) > 300  # spun: not one text repeated


# ---------------------------------------------------------------- metrics
def test_pairwise_hand_examples() -> None:
    # truth {a,b,c} {d} {e}; predicted {a,b} {c,d} {e}
    pred, truth = ["1", "1", "2", "2", "3"], ["x", "x", "x", "y", "z"]
    assert pair_counts(pred, truth) == (1, 2, 3)
    p, r, f = pairwise_prf(pred, truth)
    assert (p, r) == (0.5, 1 / 3) and f == pytest.approx(0.4)
    # all singletons on both sides: no pairs, perfect by convention
    assert pairwise_prf(["a", "b"], ["x", "y"]) == (1.0, 1.0, 1.0)
    # everything predicted apart while truth is one group: recall 0, F1 0
    assert pairwise_prf(["a", "b", "c"], ["x", "x", "x"]) == (1.0, 0.0, 0.0)
    # unclustered ads (None) are singletons, never one big group
    assert singletons_as_own(["i", "j", "k"], [None, None, "c"]) == ["solo:i", "solo:j", "c"]
    assert pairwise_prf(singletons_as_own(["i", "j"], [None, None]), ["x", "y"]) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError):
        pair_counts(["a"], ["x", "y"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=0, max_size=25))
def test_pair_counts_match_brute_force(labels: list[tuple[int, int]]) -> None:
    pred = [a for a, _ in labels]
    truth = [b for _, b in labels]
    tp = pp = tt = 0
    for i, j in itertools.combinations(range(len(labels)), 2):
        same_p, same_t = pred[i] == pred[j], truth[i] == truth[j]
        tp += same_p and same_t
        pp += same_p
        tt += same_t
    assert pair_counts(pred, truth) == (tp, pp, tt)


# ---------------------------------------------------------------- driver smoke run
def test_eval_driver_smoke(tmp_path, capsys) -> None:
    out = tmp_path / "res.json"
    rc = main(["--settings", "1", "--n-min", "150", "--n-max", "150", "--old-n", "300", "--json", str(out),
               "--keep", str(tmp_path / "corpora")])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    for g in GENERATORS:
        assert f"| {g} | beacon | 1 |" in text and f"| {g} | lsh+phones | 1 |" in text
    assert "old corpus" in text
    res = json.loads(out.read_text())
    assert len(res["rows"]) == 9 and all(0 <= r["f1"] <= 1 for r in res["rows"])
    assert res["old"][2] > 0.9
    assert (tmp_path / "corpora" / "grammar" / "00" / "truth.json").exists()


def test_eval_driver_rejects_bad_arguments(capsys) -> None:
    assert main(["--generators", "nope"]) == 2
    assert "unknown generator" in capsys.readouterr().err


def test_eval_runs_side_by_side_merge_into_one_table(tmp_path, capsys) -> None:
    a, c = tmp_path / "a.json", tmp_path / "c.json"
    common = ["--settings", "2", "--n-min", "150", "--n-max", "150", "--no-baseline"]
    assert main([*common, "--generators", "A grammar", "--old-n", "300", "--json", str(a)]) == 0
    assert main([*common, "--generators", "C mutate", "--old-n", "0", "--json", str(c)]) == 0
    capsys.readouterr()
    assert main(["--merge", str(a), str(c)]) == 0
    text = capsys.readouterr().out
    assert "| A grammar | beacon | 2 |" in text and "| C mutate | beacon | 2 |" in text
    assert "old corpus (bench/gen/synth_v1.py, 300 ads, seed 7)" in text
    row = next(x for x in text.splitlines() if x.startswith("| C mutate | beacon"))
    cells = [x.strip() for x in row.strip("|").split("|")]
    recall_min, recall_med = (float(x) for x in cells[8].split(" / "))  # phone recall
    assert 0.9 <= recall_min <= recall_med <= 1.0


def test_score_reads_the_kept_outputs_of_a_run(tmp_path, capsys) -> None:
    kept = tmp_path / "kept"
    common = ["--settings", "2", "--n-min", "150", "--n-max", "150", "--no-baseline", "--old-n", "0"]
    assert main([*common, "--generators", "B behaviour", "--keep", str(kept), "--json", str(tmp_path / "r.json")]) == 0
    table = capsys.readouterr().out.splitlines()
    (kept / "behaviour" / "01" / "out" / "summary.json").unlink()  # as if the run stopped during its second corpus
    assert main(["--score", str(kept)]) == 0
    text = capsys.readouterr().out
    assert "| B behaviour | beacon | 1 |" in text and "1 corpora scored; 150 ads" in text
    first = json.loads((tmp_path / "r.json").read_text())["rows"][0]
    row = next(x for x in text.splitlines() if x.startswith("| B behaviour | beacon"))
    assert f"{first['f1']:.3f} / {first['f1']:.3f}" in row
    assert any(x.startswith("| B behaviour | beacon | 2 |") for x in table)
    assert main(["--score", str(tmp_path / "nothing")]) == 1
