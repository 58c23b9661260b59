"""Build the word lists that ``beacon.adscan`` ships in ``src/beacon/adscan/data``.

    python scripts/build_adscan_words.py --names names-0.3.0.tar.gz \
        --wordfreq wordfreq-3.1.1-py3-none-any.whl --english-words english_words-2.0.2-py3-none-any.whl

(fetch them with ``pip download --no-deps names==0.3.0 wordfreq==3.1.1 english-words==2.0.2``; the
decoder needs ``msgpack``, which is not a Beacon dependency: run this with
any Python that has it.)  Writes

* ``first_names.csv``: ``name,sex,rank,zipf,word``: the US Census Bureau 1990
  frequent first names (``dist.female.first``, ``dist.male.first``, public
  domain, as shipped in the PyPI package ``names`` 0.3.0), lower-cased, with
  the name's English word frequency (Zipf scale, 0 = not in the list) from
  ``wordfreq`` 3.1.1 ``small_en`` (data CC BY-SA 4.0), and ``word`` = 1 when
  the name is also an ordinary English word: written in lower case in
  Webster's 2nd International (``web2``, public domain, as shipped in the PyPI
  package ``english-words`` 2.0.2) and frequent enough to be in ``small_en``
  (``honey``, ``angel``, ``joy``, ``may``);
* ``common_words.txt``: the ordinary English words (lower case in web2)
  with Zipf >= 3.3 in ``small_en`` (about 13,000 words; proper nouns such as
  "wichita" are left out), one a line, used to tell words from place names.
"""

from __future__ import annotations

import argparse
import gzip
import io
import pickle
import tarfile
import zipfile
from pathlib import Path

import msgpack

OUT = Path(__file__).resolve().parent.parent / "src" / "beacon" / "adscan" / "data"


def zipf_table(whl: Path) -> dict[str, float]:
    with zipfile.ZipFile(whl) as z:
        raw = z.read("wordfreq/data/small_en.msgpack.gz")
    data = msgpack.unpackb(gzip.decompress(raw), raw=False)
    out: dict[str, float] = {}
    for i, bucket in enumerate(data[1:]):  # bucket i holds words of frequency 10^(-i/100)
        for w in bucket:
            out.setdefault(w, round(9 - i / 100, 2))
    return out


def web2_lower(whl: Path) -> set[str]:
    """The lower-case entries of web2 (proper nouns are capitalised there)."""
    with zipfile.ZipFile(whl) as z:
        words = pickle.loads(z.read("english_words/data/web2.pickle"))  # noqa: S301 - the package's own data
    return {w for w in words if w.isalpha() and w.islower()}


def census_names(tgz: Path) -> list[tuple[str, str, int]]:
    rows: list[tuple[str, str, int]] = []
    with tarfile.open(tgz) as t:
        for sex, fname in (("F", "dist.female.first"), ("M", "dist.male.first")):
            member = next(m for m in t.getmembers() if m.name.endswith(fname))
            f = t.extractfile(member)
            assert f is not None
            for line in io.TextIOWrapper(f, encoding="ascii"):
                parts = line.split()
                if parts:
                    rows.append((parts[0].lower(), sex, int(parts[3])))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--names", type=Path, required=True)
    ap.add_argument("--wordfreq", type=Path, required=True)
    ap.add_argument("--english-words", type=Path, required=True)
    args = ap.parse_args()
    zipf = zipf_table(args.wordfreq)
    OUT.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    web2 = web2_lower(args.english_words)
    lines = ["name,sex,rank,zipf,word"]
    for name, sex, rank in census_names(args.names):
        if name in seen:
            continue
        seen.add(name)
        z = zipf.get(name, 0)
        lines.append(f"{name},{sex},{rank},{z},{int(name in web2 and z > 0)}")
    (OUT / "first_names.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    words = sorted(w for w, z in zipf.items() if z >= 3.3 and w.isalpha() and w.isascii() and w in web2)
    (OUT / "common_words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} first names, {len(words)} common words -> {OUT}")


if __name__ == "__main__":
    main()
