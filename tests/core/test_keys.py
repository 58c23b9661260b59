"""The documented key procedures end to end (docs/security.md, "Keys"): rotate the field key,
rotate the index key, migrate indexes made before BEACON_INDEX_KEY existed; each followed by
dropping the old key and a restart, then deconfliction and an e-mail look-up."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from beacon.cases import services as cases
from beacon.cases.models import Case, DeconflictionAlert, Person
from beacon.core import crypto, keys
from beacon.core.models import AuditEvent, User
from beacon.training import services as training
from beacon.training.models import Registration, Workshop

EMAIL = "Pat.Doe@Example.org"
ROOT = Path(__file__).resolve().parents[2]


class Deployment:
    """Keys as the process sees them; ``restart`` forgets every key derived from settings."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.field = [Fernet.generate_key().decode()]
        self.index = ["first-index-key-" + "x" * 40]
        self.restart()

    def restart(self) -> None:
        self.settings.BEACON_FIELD_KEYS = list(self.field)
        self.settings.BEACON_INDEX_KEYS = list(self.index)
        crypto._fernet.cache_clear()
        crypto._index_keys.cache_clear()


@pytest.fixture
def deployment(settings: Any) -> Deployment:
    return Deployment(settings)


@pytest.fixture
def two_agencies(mo: Any, agency_factory: Any, user_factory: Any) -> tuple[User, User, User]:
    kc = agency_factory("law_enforcement", name="KC Police", county="29095", task_force="kansas-city")
    stl = agency_factory("law_enforcement", name="STL Police", county="29510", task_force="st-louis")
    trainer = user_factory("trainer", agency=agency_factory(kind="ngo", county="29019"))
    return (user_factory("investigator", agency=kc, username="kc_inv"),
            user_factory("investigator", agency=stl, username="stl_inv"), trainer)


def _workshop(trainer: User) -> Workshop:
    starts = timezone.now() + dt.timedelta(days=10)
    return training.workshop_create(acting_user=trainer, title="Community workshop", audience="public",
                                    county_id="29019", starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                                    venue_name="Library", venue_address="100 Main St", capacity=5,
                                    waitlist_enabled=False, waitlist_limit=0)


def _shared_person(kc_case: Case, stl_case: Case, kc_inv: User, stl_inv: User, name: str) -> int:
    """Add the same person to both agencies' cases; returns the alerts the second addition raised."""
    cases.person_add(case=kc_case, acting_user=kc_inv, role="victim", name=name, date_of_birth="2008-04-01")
    before = DeconflictionAlert.objects.count()
    # Written differently on purpose: case, accents and word order are normalised.
    last, first = name.split(" ")[1], name.split(" ")[0]
    cases.person_add(case=stl_case, acting_user=stl_inv, role="victim", name=f"{last.upper()}, {first}",
                     date_of_birth="2008-04-01")
    return DeconflictionAlert.objects.count() - before


def _email_found(workshop: Workshop) -> bool:
    try:
        training.registration_create(workshop_id=workshop.pk, name="Pat again", email="  pat.doe@example.ORG ")
    except training.AlreadyRegistered:
        return True
    return False


def _alerts_follow_their_persons() -> None:
    person_indexes = set(Person.objects.values_list("match_index", flat=True))
    for index in DeconflictionAlert.objects.filter(identifier_kind="person").values_list("match_index", flat=True):
        assert index in person_indexes


def test_field_then_index_rotation_with_old_keys_dropped_keeps_deconfliction_and_lookups(
        deployment: Deployment, two_agencies: tuple[User, User, User]) -> None:
    kc_inv, stl_inv, trainer = two_agencies
    kc_case = cases.case_create(acting_user=kc_inv, title="KC case")
    stl_case = cases.case_create(acting_user=stl_inv, title="STL case")
    workshop = _workshop(trainer)
    training.registration_create(workshop_id=workshop.pk, name="Pat Doe", email=EMAIL)
    assert _shared_person(kc_case, stl_case, kc_inv, stl_inv, "Maria Lopez") == 2
    assert _email_found(workshop)

    # 1. Field key: put a new key first, restart, `keys rotate`, drop the old key, restart.
    cases.person_add(case=kc_case, acting_user=kc_inv, role="victim", name="Ana Ruiz", date_of_birth="2007-01-02")
    deployment.field.insert(0, Fernet.generate_key().decode())
    deployment.restart()
    call_command("keys", "rotate", "--quiet", "--batch", "2")
    deployment.field.pop()
    deployment.restart()
    # The person the KC case held before the rotation is found when St. Louis adds her now.
    before = DeconflictionAlert.objects.count()
    cases.person_add(case=stl_case, acting_user=stl_inv, role="victim", name="ruiz ana", date_of_birth="2007-01-02")
    assert DeconflictionAlert.objects.count() - before == 2
    assert Registration.objects.get().email == EMAIL
    assert _email_found(workshop)

    # 2. Index key: put a new key first, restart, `keys rotate-index`, drop the old key, restart.
    cases.person_add(case=kc_case, acting_user=kc_inv, role="victim", name="Lee Chen", date_of_birth="2006-05-05")
    old_index = Registration.objects.get().email_index
    deployment.index.insert(0, "second-index-key-" + "y" * 40)
    deployment.restart()
    call_command("keys", "rotate-index", "--quiet", "--batch", "2")
    assert Registration.objects.get().email_index != old_index
    deployment.index.pop()
    deployment.restart()
    before = DeconflictionAlert.objects.count()
    cases.person_add(case=stl_case, acting_user=stl_inv, role="victim", name="Chen Lee", date_of_birth="2006-05-05")
    assert DeconflictionAlert.objects.count() - before == 2
    # An identifier shared after the rotation, and a further shared person, still alert both leads.
    before = DeconflictionAlert.objects.count()
    cases.identifier_add(case=kc_case, acting_user=kc_inv, kind="phone", raw="(816) 555-0199")
    cases.identifier_add(case=stl_case, acting_user=stl_inv, kind="phone", raw="816.555.0199")
    assert DeconflictionAlert.objects.count() - before == 2
    assert _shared_person(kc_case, stl_case, kc_inv, stl_inv, "Sara Diaz") == 2
    assert _email_found(workshop)
    # Existing alerts moved to the new indexes, so a repeated match adds no duplicate alert.
    _alerts_follow_their_persons()
    before = DeconflictionAlert.objects.count()
    cases.person_add(case=stl_case, acting_user=stl_inv, role="witness", name="Maria Lopez", date_of_birth="2008-04-01")
    assert DeconflictionAlert.objects.count() == before
    summaries = list(AuditEvent.objects.filter(object_type__in=["field_keys", "index_keys"]).values_list("summary", flat=True))
    assert "field-key rotation started" in summaries and "index-key rotation started" in summaries
    assert any(s.startswith("index-key rotation: recomputed") for s in summaries)


def test_indexes_made_from_the_oldest_field_key_are_migrated(deployment: Deployment,
                                                             two_agencies: tuple[User, User, User]) -> None:
    """Before BEACON_INDEX_KEY, indexes were keyed by the oldest field key: configuring that key
    as the second index key keeps them matching until `keys rotate-index` recomputes them."""
    kc_inv, stl_inv, trainer = two_agencies
    legacy = deployment.field[-1]
    deployment.index = [legacy]
    deployment.restart()
    kc_case = cases.case_create(acting_user=kc_inv, title="KC case")
    stl_case = cases.case_create(acting_user=stl_inv, title="STL case")
    workshop = _workshop(trainer)
    training.registration_create(workshop_id=workshop.pk, name="Pat Doe", email=EMAIL)
    assert _shared_person(kc_case, stl_case, kc_inv, stl_inv, "Maria Lopez") == 2
    # The old derivation, byte for byte: HMAC keyed by sha256("beacon-index:" + oldest field key).
    old_key = hashlib.sha256(("beacon-index:" + legacy).encode()).digest()
    expected = hmac.new(old_key, f"training.registration:{EMAIL.lower()}".encode(), hashlib.sha256).hexdigest()
    assert Registration.objects.get().email_index == expected

    cases.person_add(case=kc_case, acting_user=kc_inv, role="victim", name="Ana Ruiz")
    deployment.index = ["a-new-index-key-" + "z" * 40, legacy]
    deployment.restart()
    assert _email_found(workshop)  # look-ups match the legacy indexes before the recompute
    call_command("keys", "rotate-index", "--quiet")
    deployment.index = deployment.index[:1]
    deployment.field.insert(0, Fernet.generate_key().decode())
    deployment.restart()
    call_command("keys", "rotate", "--quiet")
    deployment.field.pop()
    deployment.restart()
    assert _email_found(workshop)
    before = DeconflictionAlert.objects.count()
    cases.person_add(case=stl_case, acting_user=stl_inv, role="victim", name="Ana Ruiz")
    assert DeconflictionAlert.objects.count() - before == 2
    _alerts_follow_their_persons()


def test_an_interrupted_index_rotation_keeps_matching_and_finishes_when_run_again(
        deployment: Deployment, two_agencies: tuple[User, User, User]) -> None:
    kc_inv, stl_inv, trainer = two_agencies
    kc_case = cases.case_create(acting_user=kc_inv, title="KC case")
    stl_case = cases.case_create(acting_user=stl_inv, title="STL case")
    for name in ["Maria Lopez", "Ana Ruiz", "Lee Chen"]:
        cases.person_add(case=kc_case, acting_user=kc_inv, role="victim", name=name)
    deployment.index.insert(0, "second-index-key-" + "y" * 40)
    deployment.restart()

    class Killed(Exception):
        pass

    def kill_after_first_batch(label: str, done: int, total: int) -> None:
        raise Killed

    with pytest.raises(Killed):
        keys.rotate_index_key(batch=1, progress=kill_after_first_batch)
    current = {cases.person_match_index(p.name) for p in Person.objects.all()}
    assert 0 < len(current & set(Person.objects.values_list("match_index", flat=True))) < 3  # half done
    # Meanwhile a person stored under either key is still matched.
    before = DeconflictionAlert.objects.count()
    cases.person_add(case=stl_case, acting_user=stl_inv, role="victim", name="Lee Chen")
    cases.person_add(case=stl_case, acting_user=stl_inv, role="victim", name="Maria Lopez")
    assert DeconflictionAlert.objects.count() - before == 4

    call_command("keys", "rotate-index", "--quiet", "--batch", "1")
    assert set(Person.objects.values_list("match_index", flat=True)) == current
    deployment.index.pop()
    deployment.restart()
    before = DeconflictionAlert.objects.count()
    cases.person_add(case=stl_case, acting_user=stl_inv, role="victim", name="Ana Ruiz")
    assert DeconflictionAlert.objects.count() - before == 2
    _alerts_follow_their_persons()


def test_rotation_reports_rows_it_cannot_read(deployment: Deployment, two_agencies: tuple[User, User, User]) -> None:
    kc_inv, _, trainer = two_agencies
    workshop = _workshop(trainer)
    training.registration_create(workshop_id=workshop.pk, name="Pat Doe", email=EMAIL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, email_index FROM training_registration")
        stored = cursor.fetchone()
    assert stored[0].startswith("fernet:")
    # The key that encrypted the row is dropped before the rotation ran: the command says so
    # and changes nothing.
    deployment.field = [Fernet.generate_key().decode()]
    deployment.index.insert(0, "second-index-key-" + "y" * 40)
    deployment.restart()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("keys", "rotate-index", "--quiet")
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("keys", "rotate", "--quiet")
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, email_index FROM training_registration")
        assert cursor.fetchone() == stored


def test_field_rotation_re_encrypts_files_and_encrypts_files_from_before(
        deployment: Deployment, two_agencies: tuple[User, User, User], settings: Any, tmp_path: Path) -> None:
    """Tip photos and case attachments are encrypted files under MEDIA_ROOT: after a rotation and
    the old key dropped they still open; an attachment stored in clear before encryption existed
    is encrypted by the same run; a second run rewrites nothing."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from beacon.cases.models import Attachment
    from beacon.cases.selectors import attachment_content
    from beacon.tips.models import TipPhoto

    settings.MEDIA_ROOT = tmp_path / "media"
    assert {m for m, _ in crypto.encrypted_files()} >= {Attachment, TipPhoto}
    kc_inv = two_agencies[0]
    case = cases.case_create(acting_user=kc_inv, title="Files")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    new = cases.attachment_add(case=case, acting_user=kc_inv, upload=SimpleUploadedFile("new.pdf", pdf))
    old = Attachment(case=case, original_name="old.txt", content_type="text/plain", size=11, sha256="0" * 64,
                     uploaded_by=kc_inv, encrypted=False)
    old.file.save("old.txt", ContentFile(b"plain words"), save=True)
    first_bytes = Path(new.file.path).read_bytes()

    deployment.field.insert(0, Fernet.generate_key().decode())
    deployment.restart()
    call_command("keys", "rotate", "--quiet")
    deployment.field = deployment.field[:1]  # the old key dropped
    deployment.restart()
    new.refresh_from_db()
    old.refresh_from_db()
    assert Path(new.file.path).read_bytes() != first_bytes and attachment_content(new) == pdf
    assert old.encrypted and b"plain words" not in Path(old.file.path).read_bytes()
    assert attachment_content(old) == b"plain words"
    settled = {p: Path(a.file.path).read_bytes() for p, a in [(new.pk, new), (old.pk, old)]}
    result = keys.rotate_field_key()
    assert result.tables["cases.Attachment files"] == 2 and result.unreadable == 0
    assert {a.pk: Path(a.file.path).read_bytes() for a in Attachment.objects.all()} == settled


def test_generate_prints_usable_keys(capsys: Any) -> None:
    call_command("keys", "generate")
    Fernet(capsys.readouterr().out.strip().encode())
    call_command("keys", "generate-index")
    assert len(capsys.readouterr().out.strip()) >= 64




def _settings_in(var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in {"BEACON_FIELD_KEY", "BEACON_INDEX_KEY", "BEACON_ENV"}}
    full_env.update(env, BEACON_VAR_DIR=str(var_dir), PYTHONPATH=str(ROOT / "src"))
    code = "import beacon.settings as s; print(','.join(s.BEACON_INDEX_KEYS))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=60,
                          check=True)


def test_local_index_key_is_created_and_an_existing_install_keeps_its_old_indexes(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    keys_printed = _settings_in(fresh).stdout.strip()
    assert keys_printed == (fresh / "index_key").read_text() and "," not in keys_printed
    assert (fresh / "index_key").stat().st_mode & 0o777 == 0o600
    assert _settings_in(fresh).stdout.strip() == keys_printed  # stable across restarts

    # An install from before BEACON_INDEX_KEY: its indexes were keyed by the oldest field key,
    # which stays as the second (look-up) key until `keys rotate-index` has run.
    old = tmp_path / "old"
    old.mkdir()
    old_field = Fernet.generate_key().decode()
    (old / "field_key").write_text(f"{Fernet.generate_key().decode()},{old_field}")
    new, legacy = _settings_in(old).stdout.strip().split(",")
    assert legacy == old_field and len(new) >= 64


def _cli(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The ``beacon`` command of a production server that has no keys yet (first-day step 1)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"BEACON_FIELD_KEY", "BEACON_INDEX_KEY", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    env.update(BEACON_ENV="production", BEACON_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "beacon.cli", *argv], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_keys_are_generated_on_a_production_server_that_has_none_yet(tmp_path: Path) -> None:
    field = _cli(tmp_path, "keys", "generate")
    assert field.returncode == 0, field.stderr
    Fernet(field.stdout.strip().encode())
    index = _cli(tmp_path, "keys", "generate-index")
    assert index.returncode == 0, index.stderr
    assert len(index.stdout.strip()) >= 64 and index.stdout.strip() != field.stdout.strip()
    assert not (tmp_path / "var").exists()  # no key file written as a side effect


def test_a_missing_production_setting_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = _cli(tmp_path, "check")
    assert result.returncode == 1
    assert "SECRET_KEY must be set when BEACON_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_open_sms_conversation_is_still_found_after_the_index_key_rotation(deployment: Deployment, db: Any) -> None:
    """A reporter texting the tip line is threaded by their number's blind index: after
    `keys rotate-index` and the old key dropped, their next text continues the same conversation."""
    from beacon.tips import sms
    from beacon.tips.models import SmsConversation

    number = "+18165550123"
    sms.handle_inbound(number=number, body="Hello")
    first = SmsConversation.objects.get()
    deployment.index.insert(0, "second-index-key-" + "y" * 40)
    deployment.restart()
    call_command("keys", "rotate-index", "--quiet")
    deployment.index.pop()
    deployment.restart()
    assert sms.open_conversation(number) == first
    sms.handle_inbound(number=number, body="Something happened at the truck stop")
    assert SmsConversation.objects.count() == 1
