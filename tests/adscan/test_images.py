"""Near-duplicate photo hashes (beacon.adscan.images)."""

from __future__ import annotations

import random
from itertools import combinations

import numpy as np
import pytest

from beacon.adscan import scan_records
from beacon.adscan.images import (
    canonical_hashes,
    canonical_images,
    canonicalise_identifier_indices,
    canonicalise_identifier_lists,
    hamming,
    near_duplicate_pairs,
    parse_phash,
)


def flip(h: int, bits: list[int]) -> int:
    for b in bits:
        h ^= 1 << b
    return h


def test_parse_phash_accepts_hex_and_prefix_only() -> None:
    assert parse_phash("00ff00ff00ff00ff") == 0x00FF00FF00FF00FF
    assert parse_phash("phash:00FF00FF00FF00FF") == 0x00FF00FF00FF00FF
    assert parse_phash("https://img.example/abc.jpg") is None
    assert parse_phash("00ff00ff00ff00f") is None  # 15 digits


@pytest.mark.parametrize("k", [1, 2, 6, 8])
def test_pairs_match_brute_force(k: int) -> None:
    rng = random.Random(k)
    vals: set[int] = set()
    for _ in range(60):
        h = rng.getrandbits(64)
        vals.add(h)
        for _ in range(4):
            vals.add(flip(h, rng.sample(range(64), rng.randint(1, k + 3))))
    arr = np.array(sorted(vals), dtype=np.uint64)
    a, b = near_duplicate_pairs(arr, k)
    got = [tuple(sorted(p)) for p in zip(a.tolist(), b.tolist(), strict=True)]
    assert len(got) == len(set(got))  # each pair once
    want = {(i, j) for i, j in combinations(range(len(arr)), 2) if hamming(int(arr[i]), int(arr[j])) <= k}
    assert set(got) == want
    assert want  # the test data does contain near pairs


def test_recrop_joins_and_distant_stays_apart() -> None:
    h = 0x0123456789ABCDEF
    near = flip(h, [1, 7, 20, 33, 50, 63])  # 6 bits
    far = flip(h, [1, 7, 20, 33, 50, 63, 40])  # 7 bits from h
    rep = canonical_hashes([h, near, far])
    assert rep[h] == rep[near] == min(h, near)
    # far is within 1 bit of `near`, so it joins the component through it
    assert rep[far] == rep[h]
    rep2 = canonical_hashes([h, far])
    assert rep2[h] != rep2[far]


def test_identifiers_canonicalised_and_order_independent() -> None:
    h = 0xF0F0F0F0F0F0F0F0
    ids = [f"img:{h:016x}", f"img:phash:{flip(h, [3, 9]):016x}", "img:https://x.example/a.jpg", "tel:+13145550000"]
    canon = canonical_images(ids)
    assert canon == {f"img:phash:{flip(h, [3, 9]):016x}": f"img:{min(h, flip(h, [3, 9])):016x}"}
    assert canonical_images(list(reversed(ids))) == canon
    lists = canonicalise_identifier_lists([[ids[0], ids[1]], [ids[1], ids[3]], [ids[2]]])
    assert lists == [[ids[0]], [ids[0], ids[3]], [ids[2]]]
    ei, names = canonicalise_identifier_indices(np.array([0, 1, 2, 3, 1]), ids)
    assert [names[i] for i in ei.tolist()] == [ids[0], ids[0], ids[2], ids[3], ids[0]]


def test_scan_links_ads_by_reencoded_photo() -> None:
    h = 0x5A5A5A5A12345678
    recs = [
        {"id": "a", "title": "sunny", "body": "the quick brown fox jumps over the lazy dog at noon", "images": [f"{h:016x}"]},
        {"id": "b", "title": "rain", "body": "completely different words about gardening tomatoes and soil",
         "images": [f"{flip(h, [0, 17, 44]):016x}"]},
        {"id": "c", "title": "snow", "body": "another unrelated text on trains timetables and stations",
         "images": [f"{flip(h, [0, 17, 44, 5, 6, 7, 8, 9, 10, 11, 12]):016x}"]},
    ]  # fmt: skip
    res = scan_records(recs)
    by = {a.ad.id: a.cluster_id for a in res.ads}
    assert by["a"] is not None and by["a"] == by["b"]
    assert by["c"] is None  # 8 bits from b, 11 from a: another photo
