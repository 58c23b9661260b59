"""Fixtures for the cases tests: two agencies in different task forces, cases opened through the
real services, and a small fake link provider ("testtip") registered for one test and removed after."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from beacon.cases import services
from beacon.cases.models import Case
from beacon.core import links
from beacon.core.identifiers import identifier_for, normalise
from beacon.core.links import LinkedObject
from beacon.core.models import Agency, User


@dataclass
class World:
    kc: Agency
    stl: Agency
    kc_inv: User
    stl_inv: User


@pytest.fixture
def world(mo: Any, agency_factory: Any, user_factory: Any) -> World:
    kc = agency_factory("law_enforcement", name="KC Test Police", county="29095", task_force="kansas-city")
    kc.contact_phone = "816-555-0000"
    kc.save()
    stl = agency_factory("law_enforcement", name="STL Test Police", county="29510", task_force="st-louis")
    return World(kc=kc, stl=stl, kc_inv=user_factory("investigator", agency=kc, username="kc_inv"),
                 stl_inv=user_factory("investigator", agency=stl, username="stl_inv"))


@pytest.fixture
def open_case() -> Callable[..., Case]:
    def make(user: User, title: str = "Test case", **kwargs: Any) -> Case:
        return services.case_create(acting_user=user, title=title, **kwargs)

    return make


@dataclass
class FakeTipProvider:
    """Tips held in memory: id -> identifier ids; ``hidden`` ids are invisible to everyone."""

    object_type: str = "testtip"
    holdings: dict[str, set[int]] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)

    def add(self, tip_id: str, *identifiers: tuple[str, str], hidden: bool = False) -> None:
        ids = set()
        for kind, raw in identifiers:
            value = normalise(kind, raw)
            assert value
            ids.add(identifier_for(kind, value).pk)
        self.holdings[tip_id] = ids
        if hidden:
            self.hidden.add(tip_id)

    def identifiers_of(self, object_ids: Iterable[str]) -> dict[str, set[int]]:
        return {i: set(self.holdings[i]) for i in object_ids if i in self.holdings}

    def objects_with(self, identifier_ids: Iterable[int]) -> dict[str, set[int]]:
        wanted = set(identifier_ids)
        return {i: held & wanted for i, held in self.holdings.items() if held & wanted}

    def visible_to(self, user: Any, object_ids: Iterable[str]) -> set[str]:
        return {i for i in object_ids if i in self.holdings and i not in self.hidden}

    def describe(self, object_ids: Iterable[str]) -> dict[str, LinkedObject]:
        return {i: LinkedObject(self.object_type, i, f"Test tip {i}", reverse("cases:index") + f"?tip={i}")
                for i in object_ids if i in self.holdings}


@pytest.fixture
def fake_tips() -> Iterator[FakeTipProvider]:
    provider = FakeTipProvider()
    saved = dict(links._PROVIDERS)
    links.register(provider)
    try:
        yield provider
    finally:
        links._PROVIDERS.clear()
        links._PROVIDERS.update(saved)
