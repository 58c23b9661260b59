from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from beacon.survivors import services
from beacon.survivors.models import DirectoryImport, Service
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).resolve().parents[1] / "survivors" / "data"


def _zip(src: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(src.iterdir()):
            zf.write(f, f"hsds20/{f.name}")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_admin_uploads_a_package_and_reads_the_report(live_server: Any, page: Any, mo: Any, user_factory: Any,
                                                      tmp_path: Path) -> None:
    admin = user_factory("admin")
    package = tmp_path / "hsds20.zip"
    package.write_bytes(_zip(DATA / "hsds-2.0-package"))
    browser_login(page, live_server.url, admin)
    page.goto(f"{live_server.url}/staff/survivors/")
    page.get_by_role("link", name="Import directory data (HSDS)").click()
    page.get_by_label("HSDS package").set_input_files(str(package))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text("1 row was not imported").wait_for()
    assert "schedules.csv:4 (id 502)" in page.content()
    assert Service.objects.count() == 3


def test_the_status_is_polled_until_the_import_ends(live_server: Any, page: Any, mo: Any, user_factory: Any) -> None:
    admin = user_factory("admin")
    job = DirectoryImport(original_name="hsds20.zip", size=1, sha256="0" * 64, uploaded_by=admin)
    job.file.save("hsds20.zip", ContentFile(_zip(DATA / "hsds-2.0-package")), save=False)
    job.save()  # queued, as while the worker is busy
    browser_login(page, live_server.url, admin)
    page.goto(f"{live_server.url}/staff/survivors/directory/import/{job.pk}/")
    page.get_by_text("Queued: the import starts shortly.").wait_for()
    services.directory_import_run(job.pk)  # the worker runs it; the page notices without a reload
    page.get_by_text("1 row was not imported").wait_for()
    assert page.get_by_text("Queued").count() == 0
