"""The axe-core helper itself: it finds violations of every impact and reports them readably."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import assert_no_axe_violations, axe_violations

pytestmark = [pytest.mark.browser]


def test_axe_reports_violations_and_passes_a_clean_page(page: Any) -> None:
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><h1>Title</h1>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                     '<p style="color:#bbb;background:#fff">Low contrast text</p></main></body></html>')
    found = {v["id"]: v for v in axe_violations(page)}
    assert {"image-alt", "color-contrast"} <= set(found)
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page, where="the sample")
    report = str(failure.value)
    assert "on the sample" in report and "[critical] image-alt" in report and "color-contrast" in report
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><h1>Title</h1>'
                     '<p>Readable text</p></main></body></html>')
    assert_no_axe_violations(page)
