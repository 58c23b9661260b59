from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command

from beacon.cases import seed, services
from beacon.cases.models import Case, DeconflictionAlert
from beacon.cases.stats import open_cases_by_county
from beacon.core.models import County


def test_open_cases_by_county(world: Any, open_case: Any) -> None:
    jackson, stl_city = County.objects.get(fips="29095"), County.objects.get(fips="29510")
    open_case(world.kc_inv, counties=[jackson, stl_city])
    open_case(world.kc_inv, counties=[jackson])
    closed = open_case(world.kc_inv, counties=[stl_city])
    services.case_update(case=closed, acting_user=world.kc_inv, status="closed", outcome="plea")
    open_case(world.kc_inv)
    assert open_cases_by_county() == {"29095": 2, "29510": 1}
    # Shown to a user, the count holds only the cases that user may open (need-to-know).
    open_case(world.stl_inv, counties=[stl_city])
    assert open_cases_by_county() == {"29095": 2, "29510": 2}
    assert open_cases_by_county(world.kc_inv) == {"29095": 2, "29510": 1}
    assert open_cases_by_county(world.stl_inv) == {"29510": 1}


def test_seed_creates_two_demo_cases_sharing_a_phone_once(mo: Any) -> None:
    call_command("seed", stdout=StringIO())  # runs the core seed and every app's seed, including this one
    cases = list(Case.objects.filter(is_demo=True).select_related("lead_agency"))
    assert len(cases) == 2 and all(c.title.endswith("(demo)") for c in cases)
    assert {c.lead_agency.name for c in cases} == {"Kansas City Metro Police (demo)", "St. Louis Area Police (demo)"}
    assert DeconflictionAlert.objects.filter(identifier_kind="phone").count() == 2
    assert seed.run(demo=True) == {"cases": 0}
    call_command("seed", stdout=StringIO())
    assert Case.objects.count() == 2 and DeconflictionAlert.objects.count() == 2


def test_demo_network_graph_hides_the_other_agencys_case(mo: Any) -> None:
    from beacon.cases.graph import link_graph
    from beacon.core.models import User

    call_command("seed", stdout=StringIO())
    kc_case = Case.objects.get(title="Westport massage storefronts (demo)")
    stl_case = Case.objects.get(title="I-70 truck stop solicitation (demo)")
    investigator = User.objects.get(username="investigator")
    g = link_graph(investigator, "case", str(kc_case.pk), hops=2).as_dict()
    ids = {n["id"] for n in g["nodes"]}
    assert f"case:{kc_case.pk}" in ids and f"case:{stl_case.pk}" not in ids
    assert g["restricted"] >= 1
    assert "Phone: +18165550142" in {n["label"] for n in g["nodes"]}
    assert not any("I-70" in n["label"] or "DEM0142" in n["label"] for n in g["nodes"])
    # The St. Louis lead sees the mirror image.
    g2 = link_graph(User.objects.get(username="stl_investigator"), "case", str(stl_case.pk), hops=2).as_dict()
    assert f"case:{kc_case.pk}" not in {n["id"] for n in g2["nodes"]} and g2["restricted"] >= 1


def test_demo_supervisor_sees_only_own_agencys_case(mo: Any) -> None:
    """The demo matches the rule: the KC supervisor (statewide task force, like St. Louis) sees the
    KC case only; the St. Louis case reaches them through the deconfliction alert's name and type alone."""
    from beacon.cases.access import visible_cases
    from beacon.core.models import User

    call_command("seed", stdout=StringIO())
    supervisor = User.objects.get(username="supervisor")
    stl_case = Case.objects.get(title="I-70 truck stop solicitation (demo)")
    assert supervisor.agency.task_forces.filter(statewide=True).exists()
    assert stl_case.lead_agency.task_forces.filter(statewide=True).exists()
    assert [c.title for c in visible_cases(supervisor)] == ["Westport massage storefronts (demo)"]
