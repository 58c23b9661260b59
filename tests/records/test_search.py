"""The staff search: identifiers, names and words across tips, cases, ad operations and referrals;
only what the user may see, the rest counted; every search audited without the terms in clear."""

from __future__ import annotations

import json
from typing import Any

import pytest

from beacon.cases import services as case_services
from beacon.core.models import AuditEvent
from beacon.records import search
from beacon.survivors.models import Referral

from .conftest import JACKSON, ST_LOUIS_CITY, refer

PHONE = "816-555-0101"


@pytest.fixture
def spread(world: Any, make_tip: Any, make_case: Any) -> dict[str, Any]:
    """The same phone in a KC tip, a KC case and an STL case; a plate and an e-mail in an STL tip."""
    kc_tip = make_tip(f"The man in the blue van said to call {PHONE}.", county=JACKSON)
    stl_tip = make_tip("Car with plate MO ABC 1234, contact boss@example.org", county=ST_LOUIS_CITY)
    kc_case = make_case(world.kc_sup, title="Van operation")
    case_services.identifier_add(case=kc_case, acting_user=world.kc_sup, kind="phone", raw="(816) 555 0101")
    stl_case = make_case(world.stl_sup, title="Other force")
    case_services.identifier_add(case=stl_case, acting_user=world.stl_sup, kind="phone", raw=PHONE)
    return {"kc_tip": kc_tip, "stl_tip": stl_tip, "kc_case": kc_case, "stl_case": stl_case}


def ids(result: search.SearchResult, object_type: str) -> set[str]:
    return {h.obj.object_id for h in result.groups.get(object_type, [])}


def test_a_phone_finds_what_the_user_may_see_and_counts_the_rest(world: Any, spread: dict[str, Any]) -> None:
    result = search.search(user=world.kc_sup, q="(816) 555.0101")
    assert [t.kind for t in result.terms] == ["phone"]
    assert ids(result, "tip") == {str(spread["kc_tip"].pk)}
    assert ids(result, "case") == {str(spread["kc_case"].pk)}
    assert result.restricted == 1  # the St. Louis case
    assert search.restricted_message(result.restricted) == "1 restricted match; ask a supervisor."
    assert "Other force" not in json.dumps(result.as_dict())


def test_every_search_is_audited_with_hashed_terms(world: Any, spread: dict[str, Any]) -> None:
    search.search(user=world.kc_sup, q=PHONE)
    event = AuditEvent.objects.get(object_type="search", actor=world.kc_sup)
    assert event.action == "read"
    assert event.detail["terms"] == [{"kind": "phone", "index": search.term_index("+18165550101")}]
    assert event.detail["restricted"] == 1 and event.detail["results"] == {"tip": 1, "case": 1}
    assert "555" not in json.dumps(event.detail) + event.summary


def test_plate_email_and_words(world: Any, spread: dict[str, Any]) -> None:
    stl_tip = str(spread["stl_tip"].pk)
    assert ids(search.search(user=world.stl_sup, q="abc-1234", kind="plate"), "tip") == {stl_tip}
    assert ids(search.search(user=world.stl_sup, q="Boss@Example.org"), "tip") == {stl_tip}
    words = search.search(user=world.stl_sup, q="blue van")
    assert words.groups == {} and words.restricted == 1  # the KC tip, not routed to St. Louis
    assert ids(search.search(user=world.kc_sup, q="blue van"), "tip") == {str(spread["kc_tip"].pk)}
    assert ids(search.search(user=world.kc_sup, q="van operation", kind="text"), "case") == {
        str(spread["kc_case"].pk)}


def test_a_name_finds_the_case_through_the_blind_index(world: Any, make_case: Any) -> None:
    case = make_case(world.kc_sup)
    case_services.person_add(case=case, acting_user=world.kc_sup, role="suspect", name="Marco  Díaz")
    result = search.search(user=world.kc_inv, q="diaz marco", kind="name")
    assert ids(result, "case") == {str(case.pk)}
    assert search.search(user=world.stl_sup, q="Marco Diaz", kind="name").restricted == 1


def test_referrals_are_found_by_their_parties_only(survivors: Any, user_factory: Any) -> None:
    referral = refer(survivors)
    for user in (survivors.advocate, survivors.receiver):
        assert ids(search.search(user=user, q="legal clinic"), "referral") == {str(referral.pk)}
    outsider = user_factory("advocate", kind="ngo")
    result = search.search(user=outsider, q="legal clinic")
    assert result.groups == {} and result.restricted == 1
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(("q", "kind"), [("", "auto"), ("ab", "auto"), ("not a phone", "phone"),
                                         ("Prince", "name"), ("x" * 201, "auto"), ("foo", "bogus")])
def test_queries_that_cannot_be_searched_say_why(world: Any, q: str, kind: str) -> None:
    with pytest.raises(search.SearchError):
        search.search(user=world.kc_sup, q=q, kind=kind)
    assert not AuditEvent.objects.filter(object_type="search").exists()


def test_the_page_groups_results_and_shows_the_restricted_count(world: Any, spread: dict[str, Any],
                                                               staff_client: Any) -> None:
    client, _ = staff_client(user=world.kc_sup)
    page = client.get("/staff/search/", {"q": PHONE}).content.decode()
    assert f"/staff/tips/{spread['kc_tip'].pk}/" in page
    assert "1 restricted match; ask a supervisor." in page
    assert "Other force" not in page
    bad = client.get("/staff/search/", {"q": "12", "kind": "phone"})
    assert bad.status_code == 200 and "is not a valid" in bad.content.decode()


def test_the_api(world: Any, spread: dict[str, Any], api_client_for: Any) -> None:
    client, _ = api_client_for(user=world.kc_sup)
    body = client.get("/api/v1/search/", {"q": PHONE}).json()
    groups = {g["type"]: [r["id"] for r in g["results"]] for g in body["groups"]}
    assert groups == {"tip": [str(spread["kc_tip"].pk)], "case": [str(spread["kc_case"].pk)]}
    assert body["restricted"] == 1 and body["restricted_message"].startswith("1 restricted match")
    error = client.get("/api/v1/search/", {"q": "x"})
    assert error.status_code == 400 and set(error.json()) == {"error", "fields"} and "q" in error.json()["fields"]


def test_the_search_reads_a_bounded_number_of_queries(world: Any, spread: dict[str, Any],
                                                      django_assert_max_num_queries: Any, make_tip: Any) -> None:
    for _ in range(5):
        make_tip(f"Another sighting, call {PHONE}", county=JACKSON)
    with django_assert_max_num_queries(20):
        result = search.search(user=world.kc_sup, q=PHONE)
    assert len(result.groups["tip"]) == 6
