"""The evidence-based identifier linking rule, analysts' marks, and batch = incremental."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from beacon.adscan import OperationIndex, cluster_batch, scan_records
from beacon.adscan.cli import load_marks, main
from beacon.adscan.cluster import ClusterParams, MemoryStore, decide_identifier

FOOTER = "tel:+18165550999"  # a site's "report abuse" number: not on the built-in stop-list
PLACEHOLDER = "img:00000000000000ff"


def words_of(tag: str) -> list[str]:
    """An unrelated text per tag (no near-duplicates between tags); same tag, same text."""
    r = random.Random(tag)
    return [f"{tag}w{r.randrange(10**6)}" for _ in range(25)]


def phone(k: int) -> str:
    return f"tel:+1816234{k:04d}"


def corpus() -> list[tuple[str, list[str], list[str]]]:
    """(ad id, words, identifiers): an operation of 40 spun ads (each text unique) on two phones,
    a booking agent posting for 5 workers under one phone, 30 unrelated posters with their own
    phone and photo, of which a third carry the same footer number and a placeholder photo."""
    ads: list[tuple[str, list[str], list[str]]] = []
    for i in range(40):
        ids = [phone(1) if i % 3 else phone(2)]
        if i % 5 == 0:
            ids.append(phone(2) if ids[0] == phone(1) else phone(1))
        ads.append((f"op-{i}", words_of(f"op{i}"), ids))
    for i in range(15):
        ads.append((f"agent-{i}", words_of(f"agent-worker{i % 5}"), [phone(50), f"img:a{i % 5:015x}"]))
    for p in range(30):
        for j in range(2):
            ids = [phone(100 + p), f"img:{p:016x}"]
            if p % 3 == 0 and j == 0:
                ids += [FOOTER, PLACEHOLDER]
            ads.append((f"poster-{p}-{j}", words_of(f"poster{p}"), ids))
    return ads


def partition(ids: list[str], labels: list[object]) -> set[frozenset[str]]:
    groups: dict[object, set[str]] = {}
    for a, lab in zip(ids, labels, strict=True):
        groups.setdefault(lab, set()).add(a)
    return {frozenset(g) for g in groups.values()}


def batch(ads: list[tuple[str, list[str], list[str]]], params: ClusterParams | None = None):  # type: ignore[no-untyped-def]
    return cluster_batch([w for _, w, _ in ads], [i for _, _, i in ads], params)


def test_operation_phone_links_spun_ads_and_footer_is_set_aside() -> None:
    ads = corpus()
    bc = batch(ads)
    parts = partition([a for a, _, _ in ads], bc.labels.tolist())
    ops = {frozenset(a for a, _, _ in ads if a.startswith("op-"))}
    assert ops <= parts  # 40 ads in 40 text groups: one operation, joined by its phones
    assert frozenset(a for a, _, _ in ads if a.startswith("agent-")) in parts  # the agent is one operation
    for p in range(30):
        assert frozenset({f"poster-{p}-0", f"poster-{p}-1"}) in parts  # footer and placeholder glue nothing
    assert FOOTER in bc.hubs and PLACEHOLDER in bc.hubs
    assert bc.decisions[FOOTER].identities == 10 and not bc.decisions[FOOTER].link
    assert bc.decisions[phone(1)].link and bc.decisions[phone(1)].identities < 3
    assert phone(1) not in bc.hubs and phone(50) not in bc.hubs


def test_second_number_of_the_same_footer_does_not_make_it_one_poster() -> None:
    ads = [(a, w, [*ids, "tel:+18165550998"] if FOOTER in ids else ids) for a, w, ids in corpus()]
    bc = batch(ads)
    assert FOOTER in bc.hubs and "tel:+18165550998" in bc.hubs


def test_two_posters_do_not_make_a_shared_number_but_three_do() -> None:
    def store_with(posters: int) -> MemoryStore:
        s = MemoryStore()
        for p in range(posters):
            s.add([FOOTER, phone(p)], group=p)
            s.add([phone(p)], group=100 + p)
        return s

    params = ClusterParams()
    assert decide_identifier(FOOTER, store_with(2), params).link
    d = decide_identifier(FOOTER, store_with(3), params)
    assert not d.link and d.identities == 3 and "shared" in d.reason
    # the same three contacts, connected by a common photo: one poster (an operation's phones)
    s = MemoryStore()
    for p in range(3):
        s.add([FOOTER, phone(p), "img:00000000000000aa"], group=p)
    assert decide_identifier(FOOTER, s, params).link


def test_analyst_marks_win_over_the_rule() -> None:
    ads = corpus()
    ids = [a for a, _, _ in ads]
    linked = batch(ads, ClusterParams(marks={FOOTER: True}))
    parts = partition(ids, linked.labels.tolist())
    glued = next(p for p in parts if "poster-0-0" in p)
    assert {"poster-3-0", "poster-3-1", "poster-0-1"} <= glued
    assert linked.decisions[FOOTER].reason == "analyst marked it: link"
    split = batch(ads, ClusterParams(marks={phone(50): False}))
    parts = partition(ids, split.labels.tolist())
    assert frozenset(a for a in ids if a.startswith("agent-")) not in parts
    assert frozenset({"agent-0", "agent-5", "agent-10"}) in parts  # one worker's near-duplicates stay together


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("chunk", [1, 7, 50])
def test_incremental_index_gives_the_batch_operations(seed: int, chunk: int) -> None:
    ads = corpus()
    expected = partition([a for a, _, _ in ads], batch(ads).labels.tolist())
    order = list(ads)
    random.Random(seed).shuffle(order)
    idx = OperationIndex(bucket_sample=1000)
    for k in range(0, len(order), chunk):
        for ad_id, words, ids in order[k : k + chunk]:
            idx.add(ad_id, words, ids)
    assert partition(idx.ad_ids, list(idx.labels())) == expected
    assert FOOTER in idx.hubs and PLACEHOLDER in idx.hubs


def test_operations_explain_their_links(tmp_path: Path) -> None:
    recs = []
    for i in range(6):
        body = " ".join(words_of(f"spun{i}")) + " call 816-234-0001"
        recs.append({"id": f"a{i}", "title": "", "body": body})
    res = scan_records(recs)
    assert len(res.operations) == 1
    links = res.operations[0].links
    assert [j["identifier"] for j in links["joined_by"]] == ["tel:+18162340001"]
    assert links["joined_by"][0]["text_groups_here"] == 6 and links["joined_by"][0]["reason"]
    assert res.operations[0].to_dict()["links"] == links


def test_scan_cli_applies_a_marks_file(tmp_path: Path) -> None:
    src = tmp_path / "ads.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{i}", "body": " ".join(words_of(f"t{i}")) + " call 816-234-0001"})
                           + "\n" for i in range(4)), encoding="utf-8")  # fmt: skip
    marks = tmp_path / "marks.jsonl"
    marks.write_text(json.dumps({"identifier": "tel:+18162340001", "decision": "shared"}) + "\n", encoding="utf-8")
    assert main(["scan", str(src), "--out", str(tmp_path / "o1"), "--quiet"]) == 0
    assert len((tmp_path / "o1" / "clusters.jsonl").read_text().splitlines()) == 1
    assert main(["scan", str(src), "--out", str(tmp_path / "o2"), "--quiet", "--marks", str(marks)]) == 0
    assert (tmp_path / "o2" / "clusters.jsonl").read_text() == ""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"identifier": "tel:+1", "decision": "maybe"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        load_marks(bad)
    assert main(["scan", str(src), "--out", str(tmp_path / "o3"), "--quiet", "--marks", str(bad)]) == 2
