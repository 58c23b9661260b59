from __future__ import annotations

from io import StringIO
from typing import Any

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.cases import services
from beacon.cases.models import CaseIdentifier, Person
from beacon.core import crypto


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test, fixed names
        return str(cur.fetchone()[0])


def test_victim_fields_are_encrypted_and_keys_rotate_re_encrypts_them(world: Any, open_case: Any,
                                                                       settings: Any) -> None:
    case = open_case(world.kc_inv)
    person = services.person_add(case=case, acting_user=world.kc_inv, role="victim", name="Ana Example",
                                 date_of_birth="2009-05-01", details="lives above the shop")
    link = services.identifier_add(case=case, acting_user=world.kc_inv, kind="phone", raw="816-555-0166", person=person)
    before = {c: _raw("cases_person", c, person.pk) for c in ("name", "date_of_birth", "details")}
    raw_before = _raw("cases_caseidentifier", "raw", link.pk)
    # Whole plaintexts: a short one ("555") turns up in random base64 now and then.
    for value in [*before.values(), raw_before]:
        assert value.startswith("fernet:")
        assert not [p for p in ("Ana Example", "2009-05-01", "lives above the shop", "816-555-0166") if p in value]
    fields = dict((m._meta.label, names) for m, names in crypto.encrypted_fields())
    assert set(fields["cases.Person"]) == {"name", "date_of_birth", "details"} and fields["cases.CaseIdentifier"] == ["raw"]

    old_keys = list(settings.BEACON_FIELD_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.BEACON_FIELD_KEYS = [new_key, *old_keys]
    call_command("keys", "rotate", stdout=StringIO())
    after = {c: _raw("cases_person", c, person.pk) for c in before}
    assert all(after[c] != before[c] and after[c].startswith("fernet:") for c in before)
    assert _raw("cases_caseidentifier", "raw", link.pk) != raw_before
    settings.BEACON_FIELD_KEYS = [new_key]  # the old key is gone: everything still reads
    reread = Person.objects.get(pk=person.pk)
    assert (reread.name, reread.date_of_birth, reread.details) == ("Ana Example", "2009-05-01", "lives above the shop")
    assert CaseIdentifier.objects.get(pk=link.pk).raw == "816-555-0166"


names = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóñ", min_size=1, max_size=8), min_size=2, max_size=4)


@settings(max_examples=60, deadline=None)
@given(words=names, dob=st.sampled_from(["", "1990-01-02"]), data=st.data())
def test_person_match_ignores_order_case_accents_and_punctuation(words: list[str], dob: str, data: Any) -> None:
    shuffled = data.draw(st.permutations(words))
    a = services.person_match_index(" ".join(words), dob)
    b = services.person_match_index(", ".join(w.upper() for w in shuffled) + " ", dob)
    assert a == b and len(a) == 64
    assert services.person_match_index(" ".join(words), "2000-12-31") != a


def test_single_word_names_do_not_match() -> None:
    assert services.person_match_index("Candy") == ""
