"""The main staff flows of test_staff_flows.py in Spanish, at desktop and phone width.

The flows are the same functions: they find every link, button and field by its Spanish name
(``tr``), ``check`` asserts ``<html lang="es">`` on every page beside axe-core (0 violations),
the budgets and no sideways scroll, and each flow asserts some headings in Spanish.  The
supervisor chooses Spanish with the header's switch; the others have it saved already.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import test_staff_flows as flows
from tests.browser.staff import WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

spanish = pytest.mark.parametrize("width", list(WIDTHS.values()), ids=[f"es-{name}" for name in WIDTHS])


@spanish
def test_supervisor_triages_and_escalates_a_tip_in_spanish(live_server: Any, browser: Any, mo: Any,
                                                            agency_factory: Any, user_factory: Any, width: int) -> None:
    flows.test_supervisor_triages_and_escalates_a_tip(live_server, browser, mo, agency_factory, user_factory, "es", width)


@spanish
def test_investigator_links_a_tip_and_reads_the_graph_in_spanish(live_server: Any, browser: Any, mo: Any,
                                                                  agency_factory: Any, user_factory: Any,
                                                                  width: int) -> None:
    flows.test_investigator_links_a_tip_and_reads_the_graph(live_server, browser, mo, agency_factory, user_factory,
                                                            "es", width)


@spanish
def test_analyst_reviews_ad_operations_in_spanish(live_server: Any, browser: Any, mo: Any, user_factory: Any,
                                                  width: int) -> None:
    flows.test_analyst_reviews_ad_operations(live_server, browser, mo, user_factory, "es", width)


@spanish
def test_advocate_and_trainer_and_admin_homes_in_spanish(live_server: Any, browser: Any, mo: Any, agency_factory: Any,
                                                         user_factory: Any, width: int) -> None:
    flows.test_advocate_and_trainer_and_admin_homes(live_server, browser, mo, agency_factory, user_factory, "es", width)
