"""Tip passphrases are server-made look-up secrets of 120 bits (NIST SP 800-63B §5.1.2.1), stored
as HMAC-SHA256 under a key derived from BEACON_INDEX_KEY with its key id; PBKDF2 hashes of older
tips and hashes under an older key still verify and are re-hashed on the next successful follow-up."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

from beacon.core import crypto
from beacon.tips import passphrases, services
from beacon.tips.models import Tip

NARRATIVE = "Two girls are kept in a motel room on the highway and cannot leave."


def _submit() -> services.Submitted:
    return services.tip_submit(data=services.TipInput(narrative=NARRATIVE, county_fips="29095"))


def test_a_passphrase_has_at_least_112_bits_of_entropy() -> None:
    phrase = services.new_passphrase()
    assert re.fullmatch(r"[23456789A-HJ-NP-Z]{4}(-[23456789A-HJ-NP-Z]{4}){5}", phrase), phrase
    bits = services.PASSPHRASE_GROUPS * 4 * math.log2(len(services.RECEIPT_ALPHABET))
    assert bits >= 112 and bits == 120


def test_new_tips_store_a_keyed_hash_with_the_key_id(mo: Any) -> None:
    submitted = _submit()
    encoded = Tip.objects.get(pk=submitted.tip.pk).passphrase_hash
    kid = crypto.purpose_keys(passphrases.PURPOSE)[0][0]
    assert re.fullmatch(rf"hmac-sha256\${kid}\$[0-9a-f]{{64}}", encoded), encoded
    assert submitted.passphrase not in encoded
    assert services.passphrase_matches(submitted.passphrase, encoded)
    other = "X" if submitted.passphrase[-1] != "X" else "Y"  # one symbol changed (never the same one)
    assert not services.passphrase_matches(submitted.passphrase[:-1] + other, encoded)
    # The key is the purpose's own: not the blind index of the same text under the index key.
    assert encoded.rsplit("$", 1)[1] != crypto.blind_index(submitted.passphrase, purpose=passphrases.PURPOSE)


def test_garbage_and_unknown_key_ids_never_match(mo: Any) -> None:
    encoded = passphrases.make("ABCD-EFGH")
    _, kid, digest = encoded.split("$")
    assert not passphrases.matches("ABCD-EFGH", f"hmac-sha256$00000000${digest}")
    assert not passphrases.matches("ABCD-EFGH", "")
    assert not passphrases.matches("ABCD-EFGH", "!")
    assert not passphrases.matches("ABCD-EFGH", f"md5${kid}${digest}")


def test_pbkdf2_hashes_verify_and_are_upgraded_on_follow_up(mo: Any) -> None:
    submitted = _submit()
    tip = submitted.tip
    old = make_password(submitted.passphrase, hasher=_Legacy())  # as stored before the keyed hash
    Tip.objects.filter(pk=tip.pk).update(passphrase_hash=old)
    # A wrong passphrase changes nothing.
    try:
        services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase="WRONG-WRONG-WRONG")
    except services.FollowupRefused:
        pass
    assert Tip.objects.get(pk=tip.pk).passphrase_hash == old
    # The right one opens the tip and replaces the PBKDF2 hash by the keyed hash.
    assert services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase=submitted.passphrase).pk == tip.pk
    upgraded = Tip.objects.get(pk=tip.pk).passphrase_hash
    assert upgraded.startswith("hmac-sha256$") and passphrases.is_current(upgraded)
    assert services.passphrase_matches(submitted.passphrase, upgraded)
    # Once current, a follow-up does not hash again.
    services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase=submitted.passphrase.lower())
    assert Tip.objects.get(pk=tip.pk).passphrase_hash == upgraded


def test_a_rotated_index_key_keeps_old_hashes_verifying_and_upgrades_them(mo: Any, settings: Any) -> None:
    submitted = _submit()
    before = Tip.objects.get(pk=submitted.tip.pk).passphrase_hash
    settings.BEACON_INDEX_KEYS = ["a-brand-new-index-key-for-this-test", *settings.BEACON_INDEX_KEYS]
    assert not passphrases.is_current(before)
    assert services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase=submitted.passphrase)
    after = Tip.objects.get(pk=submitted.tip.pk).passphrase_hash
    assert after != before and passphrases.is_current(after)
    # Without the old key, the old hash no longer verifies (the key id names a key that is gone).
    settings.BEACON_INDEX_KEYS = settings.BEACON_INDEX_KEYS[:1]
    assert not passphrases.matches(submitted.passphrase, before)
    assert passphrases.matches(submitted.passphrase, after)


def test_the_stored_form_cannot_be_checked_without_the_key(mo: Any, settings: Any) -> None:
    """Issue #11 asked for Django's current PBKDF2 iterations; the passphrase became a 120-bit
    server-made secret stored under a key instead (docs/security.md, "Tip passphrases"): a copy of
    the database alone reproduces no stored value and confirms no guess."""
    submitted = _submit()
    encoded = Tip.objects.get(pk=submitted.tip.pk).passphrase_hash
    digest = encoded.rsplit("$", 1)[1]
    phrase = submitted.passphrase.encode()
    keyless = [hashlib.sha256(phrase).hexdigest(), hashlib.sha256(phrase.replace(b"-", b"")).hexdigest(),
               hmac.new(b"", phrase, hashlib.sha256).hexdigest(),
               hmac.new(settings.SECRET_KEY.encode(), phrase, hashlib.sha256).hexdigest(),
               *(hmac.new(k.encode(), phrase, hashlib.sha256).hexdigest() for k in settings.BEACON_INDEX_KEYS)]
    assert digest not in keyless  # the stored key is derived, not the configured text nor SECRET_KEY
    assert passphrases.matches(submitted.passphrase, encoded)
    settings.BEACON_INDEX_KEYS = ["another-deployment's-index-key"]  # same database, key not known
    assert not passphrases.matches(submitted.passphrase, encoded)  # even the right passphrase: no check


class _Legacy(PBKDF2PasswordHasher):
    iterations = 1_000
