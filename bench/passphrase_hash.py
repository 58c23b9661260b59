"""CPU cost of one tip passphrase hash: the keyed HMAC-SHA256 of today (issue #14) against the
PBKDF2-SHA256 of before (1,000 rounds until issue #11, Django's default after it).

    .venv/bin/python bench/passphrase_hash.py [--repeat 5]

Prints the process CPU time per hash for each, and the ceiling the hash alone puts on tip
submissions per second per core.  Old PBKDF2 hashes are still verified (once per follow-up of
an old tip, then replaced by the keyed hash), so their cost still applies to those.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def cpu_per_pbkdf2(rounds: int, repeat: int) -> float:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

    from beacon.tips.services import new_passphrase

    class Hasher(PBKDF2PasswordHasher):
        iterations = rounds

    passphrase = new_passphrase()
    start = time.process_time()
    for _ in range(repeat):
        make_password(passphrase, hasher=Hasher())
    return (time.process_time() - start) / repeat


def cpu_per_hmac(repeat: int) -> float:
    from beacon.tips import passphrases
    from beacon.tips.services import new_passphrase

    passphrase = new_passphrase()
    encoded = passphrases.make(passphrase)
    start = time.process_time()
    for _ in range(repeat):
        passphrases.make(passphrase)
        passphrases.matches(passphrase, encoded)
    return (time.process_time() - start) / repeat / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    rounds = PBKDF2PasswordHasher.iterations
    keyed = cpu_per_hmac(max(args.repeat * 2_000, 10_000))
    old = cpu_per_pbkdf2(1_000, max(args.repeat * 20, 100))
    slow = cpu_per_pbkdf2(rounds, args.repeat)
    print(f"HMAC-SHA256, keyed (now):                  {keyed * 1000:8.4f} ms CPU per hash")
    print(f"PBKDF2-SHA256, 1,000 rounds (before #11):   {old * 1000:8.2f} ms CPU per hash")
    print(f"PBKDF2-SHA256, {rounds:,} rounds (#11):  {slow * 1000:8.2f} ms CPU per hash")
    print(f"hashing alone caps tip submissions per core at {1 / keyed:,.0f}/s now, {1 / slow:.1f}/s with #11's PBKDF2")


if __name__ == "__main__":
    main()
