"""The scan's fast paths change nothing: orjson I/O gives json's exact values,
messages and text, ``--workers 1`` and ``--workers 2`` write the same bytes, and the
faster data structures of the analysis and the linking rule decide as before."""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path

import pytest
from bench.gen.behaviour import generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.adscan import scan_file, scan_to_dir
from beacon.adscan.cluster import ClusterParams, MemoryStore, decide_identifier, is_contact
from beacon.adscan.jsonio import dumps, loads, try_loads
from beacon.adscan.records import iter_file, parse_record

# the module (the package's ``extract`` is the function of that name)
extract_mod = importlib.import_module("beacon.adscan.extract")
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


# --------------------------------------------------------------------------
# Faster data structures, same decisions (issue 13, item 5)
# --------------------------------------------------------------------------


def _identities_as_written(identifier: str, store: MemoryStore, params: ClusterParams) -> int | None:
    """The identity count of the linking rule as first written (tuple-keyed union-find
    over contacts, text groups and photos), or None when the rule stops before counting."""
    carriers = store.carriers(identifier)
    together: dict[str, int] = {}
    for ad in carriers:
        for other in store.identifiers_of(ad):
            if other != identifier:
                together[other] = together.get(other, 0) + 1
    half = max(2, (len(carriers) + 1) // 2)
    contacts = {c for c, k in together.items() if is_contact(c) and k < half}
    if len(contacts) < params.min_identities:
        return None
    parent: dict[object, object] = {}

    def find(x: object) -> object:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for c in contacts:
        for ad in store.carriers(c):
            parent[find(("g", store.text_group(ad)))] = find(("c", c))
            for other in store.identifiers_of(ad):
                if other in contacts:
                    ra, rb = find(("c", c)), find(("c", other))
                    if ra != rb:
                        parent[rb] = ra
                elif other != identifier and not is_contact(other):
                    ra, rb = find(("c", c)), find(("i", other))
                    if ra != rb:
                        parent[rb] = ra
    return len({find(("c", c)) for c in contacts})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from([f"tel:+181623400{k:02d}" for k in range(12)]), max_size=3),
            st.lists(st.sampled_from([f"img:{k:016x}" for k in range(4)]), max_size=2),
            st.integers(0, 6),
        ),
        min_size=2,
        max_size=60,
    ),
    st.integers(2, 4),
)
def test_linking_rule_counts_the_identities_it_counted_before(
    ads: list[tuple[list[str], list[str], int]], min_identities: int
) -> None:
    """The rule's union-find now runs over integer nodes: same identities, same decisions."""
    store = MemoryStore()
    for phones, images, group in ads:
        store.add([*phones, *images], group)
    params = ClusterParams(min_identities=min_identities)
    for ident in sorted(store.ident_ads):
        d = decide_identifier(ident, store, params)
        want = _identities_as_written(ident, store, params)
        if want is not None:
            assert d.identities == want
            assert d.link == (want < min_identities)


def test_names_resolve_only_the_places_that_cover_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A place match is resolved (costly: context regexes) only when a found name lies in it;
    "Louis" of "St. Louis" is still no name, and "Yesenia" beside a place still is."""
    calls: list[str] = []
    real = extract_mod.resolve_place

    def spy(text: str, place: object, start: int, end: int) -> object:
        calls.append(text[start:end])
        return real(text, place, start, end)  # type: ignore[arg-type]

    monkeypatch.setattr(extract_mod, "resolve_place", spy)
    # "Louis" is a word of a place name, so places are looked for; none covers it
    assert extract_mod.extract_names("Ask for Louis, in Columbia and Kansas City") == ["Louis"]
    assert calls == []  # (each match was resolved before)
    assert extract_mod.extract_names("Visiting St. Louis tonight, yesenia") == ["Yesenia"]
    assert calls == ["St. Louis"]


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("call 314 dot 555 dot 0101 now", ["+13145550101"]),
        ("text 314 dash 555 punto 0101", ["+13145550101"]),
        ("816 and then some words dot dot dot and more 555 0101", []),  # a long gap cuts the run
    ],
)
def test_phone_runs_read_spelled_separators_and_cut_long_gaps(text: str, e164: list[str]) -> None:
    assert [p.e164 for p in extract_mod.extract_phones(text)] == e164
