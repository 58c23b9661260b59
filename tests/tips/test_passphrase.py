"""Tip passphrases are hashed at Django's current default PBKDF2 rounds (issue #11); old hashes
that name fewer rounds still verify and are re-hashed on the next successful follow-up."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

import beacon.settings as production_settings
from beacon.tips import services
from beacon.tips.models import Tip

from ..conftest import TEST_PASSPHRASE_ITERATIONS


def _rounds(encoded: str) -> int:
    return int(encoded.split("$")[1])


def test_every_deployment_hashes_at_djangos_default_rounds() -> None:
    # The settings module's own value (the suite lowers it at run time only); not from the environment.
    assert production_settings.BEACON_PASSPHRASE_ITERATIONS == PBKDF2PasswordHasher.iterations
    assert PBKDF2PasswordHasher.iterations >= 1_000_000
    source = open(production_settings.__file__).read()
    assert "BEACON_PASSPHRASE_ITERATIONS = PBKDF2PasswordHasher.iterations\n" in source


def test_new_tips_use_the_configured_rounds(mo: Any, settings: Any) -> None:
    assert settings.BEACON_PASSPHRASE_ITERATIONS == TEST_PASSPHRASE_ITERATIONS  # the suite's override
    settings.BEACON_PASSPHRASE_ITERATIONS = 4_321
    submitted = services.tip_submit(data=services.TipInput(
        narrative="Two girls are kept in a motel room on the highway and cannot leave.", county_fips="29095"))
    encoded = Tip.objects.get(pk=submitted.tip.pk).passphrase_hash
    assert encoded.startswith("pbkdf2_sha256$4321$") and services.passphrase_matches(submitted.passphrase, encoded)


def test_old_hashes_verify_and_are_upgraded_on_follow_up(mo: Any, settings: Any) -> None:
    submitted = services.tip_submit(data=services.TipInput(
        narrative="A man keeps three women in an apartment and takes their pay.", county_fips="29510"))
    tip = submitted.tip
    old = make_password(submitted.passphrase, hasher=_Legacy())  # as stored before issue #11
    Tip.objects.filter(pk=tip.pk).update(passphrase_hash=old)
    settings.BEACON_PASSPHRASE_ITERATIONS = 2_000
    # A wrong passphrase changes nothing.
    try:
        services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase="WRONG-WRONG-WRONG")
    except services.FollowupRefused:
        pass
    assert Tip.objects.get(pk=tip.pk).passphrase_hash == old
    # The right one opens the tip and re-hashes it at today's rounds.
    assert services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase=submitted.passphrase).pk == tip.pk
    upgraded = Tip.objects.get(pk=tip.pk).passphrase_hash
    assert _rounds(old) == 1_000 and _rounds(upgraded) == 2_000
    assert services.passphrase_matches(submitted.passphrase, upgraded)
    # Once current, a follow-up does not hash again.
    services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase=submitted.passphrase.lower())
    assert Tip.objects.get(pk=tip.pk).passphrase_hash == upgraded


class _Legacy(PBKDF2PasswordHasher):
    iterations = 1_000


def test_a_server_process_hashes_at_djangos_default(tmp_path: Any) -> None:
    """Outside the test suite (a fresh process, as a server starts) nothing lowers the rounds."""
    from ..core.test_ratelimit import _settings_in_a_fresh_process

    code = ("from django.contrib.auth.hashers import PBKDF2PasswordHasher as H; "
            "from beacon.tips.services import PassphraseHasher; "
            "print(settings.BEACON_PASSPHRASE_ITERATIONS, PassphraseHasher().iterations, H.iterations)")
    result = _settings_in_a_fresh_process(tmp_path, code, BEACON_PASSPHRASE_ITERATIONS="1")
    assert result.returncode == 0, result.stderr
    configured, used, django_default = result.stdout.split()
    assert configured == used == django_default == str(PBKDF2PasswordHasher.iterations)
