"""The brand filter in Chromium: the select lists the store's brands, picking one narrows
the figures and the choice travels with the navigation (a store with two brands)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from empathos.store import init_db, make_engine
from tests.web import data
from tests.web.conftest import serve

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def brand_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('brands') / 'store.db'}")
    init_db(engine)
    data.fill_matrix(engine)
    with serve(engine) as url:
        yield url
    engine.dispose()


def test_brand_select_narrows_the_figures(browser, brand_server: str, artifacts: Path) -> None:  # noqa: ANN001
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(brand_server + "/")
    options = page.locator("#f-company option").all_inner_texts()
    assert options == ["All", "brand-a", "brand-b"]
    assert "Period: 2026-02-01 – 2026-03-02 (latest with data" in page.inner_text("#period-note")
    contacts = page.locator("#p-listen").locator("xpath=..").locator(".kpi dd").first
    assert contacts.inner_text() == "6"
    page.select_option("#f-company", "brand-b")
    first = page.locator("#f-start").get_attribute("min")  # the first day with data
    assert first == "2026-01-10"
    page.fill("#f-start", first)
    page.click("button:has-text('Apply filters')")
    page.wait_for_url("**company=brand-b**")
    assert page.input_value("#f-company") == "brand-b"
    want = len(data.matching(start=data.JAN.date(), company="brand-b"))
    assert want == 4  # i-2, i-4, i-6 in March and i-8 in January
    assert contacts.inner_text() == str(want)
    page.screenshot(path=str(artifacts / "filters_brand.png"), full_page=True)
    page.click("nav >> text=Coaching")  # the brand travels to the next page
    page.wait_for_url("**/dashboard/coaching?**company=brand-b**")
    assert page.input_value("#f-company") == "brand-b"
    assert page.locator("#ignored-note").count() == 0  # coaching honours every filter
    page.click("nav >> text=Balance sheet")
    assert "brand" in page.inner_text("#ignored-note")  # a page that does not, says so
    assert errors == []
    context.close()
