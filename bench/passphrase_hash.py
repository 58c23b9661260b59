"""CPU cost of one tip passphrase hash (PBKDF2-SHA256), the part of a tip submission and of
each follow-up check that issue #11 made costlier.

    .venv/bin/python bench/passphrase_hash.py [--repeat 5]

Prints the process CPU time per hash at the former 1,000 rounds and at the rounds every
deployment now uses (Django's default, ``settings.BEACON_PASSPHRASE_ITERATIONS``), and the
ceiling that puts on tip submissions per second per core (hashing alone).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def cpu_per_hash(rounds: int, repeat: int) -> float:
    from django.contrib.auth.hashers import make_password

    from beacon.tips.services import PassphraseHasher, new_passphrase

    class Hasher(PassphraseHasher):
        iterations = rounds  # type: ignore[assignment]

    passphrase = new_passphrase()
    start = time.process_time()
    for _ in range(repeat):
        make_password(passphrase, hasher=Hasher())
    return (time.process_time() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    import django

    django.setup()
    from django.conf import settings

    rounds = settings.BEACON_PASSPHRASE_ITERATIONS
    old = cpu_per_hash(1_000, max(args.repeat * 20, 100))
    new = cpu_per_hash(rounds, args.repeat)
    print(f"PBKDF2-SHA256, 1,000 rounds (before):  {old * 1000:8.2f} ms CPU per hash")
    print(f"PBKDF2-SHA256, {rounds:,} rounds (now): {new * 1000:8.2f} ms CPU per hash")
    print(f"ratio: {new / old:.0f}x; hashing alone caps tip submissions at {1 / new:.1f}/s per core")


if __name__ == "__main__":
    main()
