"""The dashboard in a real browser: Playwright driving Debian's Chromium.

Loads every page of a small simulated, analysed and predicted store, clicks through the
filters, checks that the Plotly charts render (``.main-svg``), that the keyboard reaches
the skip link and the navigation with a visible focus, that every control is labelled,
that text contrast meets WCAG AA and that pages fit a 1366×768 laptop screen. Screenshots
go to tests/web/artifacts/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from empathos.store import make_engine
from empathos.web import aggregates as ag
from empathos.web.format import num
from empathos.web.routes import NAV

LAPTOP = {"width": 1366, "height": 768}

# WCAG 2.x contrast ratio of every visible text element against its effective background.
CONTRAST_JS = """() => {
  function rgb(s) { const m = s.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : [...m, 1];
  }
  function lum(c) { const v = c.slice(0, 3).map(x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
  function bg(el) { for (; el; el = el.parentElement) { const c =
  rgb(getComputedStyle(el).backgroundColor);
    if (c[3] > 0) return c; } return [255, 255, 255, 1]; }
  const bad = [];
  const texts = 'p, a, dt, dd, th, td, label, button, h1, h2, h3, li, caption, summary, option';
  for (const el of document.querySelectorAll(texts)) {
    if (el.closest('svg') || !el.textContent.trim() || !el.getClientRects().length) continue;
    const fg = rgb(getComputedStyle(el).color), b = bg(el);
    const l1 = lum(fg), l2 = lum(b), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) bad.push([el.tagName, el.textContent.trim().slice(0, 30), ratio.toFixed(2)]);
  }
  return bad; }"""

UNLABELLED_JS = """() => [
  ...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !e.labels || !e.labels.length).map(e => e.name || e.id)"""


@pytest.fixture
def page(browser, live_server):  # noqa: ANN001, ANN201 - Playwright objects
    context = browser.new_context(viewport=LAPTOP)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.errors = errors
    yield pg
    context.close()


@pytest.fixture(scope="module")
def engine_on(demo_db: Path) -> Engine:
    return make_engine(f"sqlite:///{demo_db}")


def _shot(pg, artifacts: Path, name: str) -> None:  # noqa: ANN001
    pg.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def _charts_rendered(pg) -> int:  # noqa: ANN001
    """Every chart container holds a drawn Plotly SVG; returns how many charts there are."""
    n = pg.locator("[data-figure]").count()
    if n:
        pg.wait_for_function(
            "n => document.querySelectorAll('[data-figure] .main-svg').length >= n",
            arg=n,
            timeout=15000,
        )
    for k in range(n):
        assert pg.locator("[data-figure]").nth(k).locator(".main-svg").count() >= 1
    return n


def test_every_page_loads_and_renders(page, live_server: str, artifacts: Path) -> None:
    charts_seen = 0
    for path, label in NAV:
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1
        assert page.locator(f'nav a[aria-current="page"]:has-text("{label}")').count() == 1
        charts_seen += _charts_rendered(page)
        assert page.evaluate(UNLABELLED_JS) == [], path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= LAPTOP["width"], (path, width)  # no horizontal scrolling on a laptop
        _shot(page, artifacts, "page_" + (path.rsplit("/", 1)[-1] or "overview"))
    assert charts_seen >= 5  # overview (2), scores (2), value (1), pods (1) at least
    assert page.errors == []


def test_filters_click_through(
    page,
    live_server: str,
    engine_on: Engine,  # noqa: ANN001
    artifacts: Path,
) -> None:
    page.goto(live_server + "/")
    channel = page.locator("#f-channel option").nth(1).get_attribute("value")
    page.select_option("#f-channel", channel)
    page.click("button:has-text('Apply filters')")
    page.wait_for_url(f"**channel={channel}**")
    _charts_rendered(page)
    # no period chosen: the page reads the latest 30 days with data and names them
    f = ag.with_default_period(engine_on, ag.Filters(channel=channel))
    assert f.period_default
    note = page.locator("#period-note").inner_text()
    assert f"Period: {f.start} – {f.end} (latest with data" in note
    expected = ag.kpis(engine_on, f).n_interactions
    listen = page.locator("#p-listen").locator("xpath=..")
    assert listen.locator(".kpi dd").first.inner_text() == num(expected)

    pod = page.locator("#f-pod option").nth(2).get_attribute("value")
    page.select_option("#f-pod", pod)
    first = page.locator("#f-start").get_attribute("min")
    page.fill("#f-start", first)
    page.click("button:has-text('Apply filters')")
    page.wait_for_url(f"**pod={pod}**")
    assert page.input_value("#f-channel") == channel and page.input_value("#f-pod") == pod
    assert page.input_value("#f-start") == first
    _shot(page, artifacts, "filters_overview")

    # the filters travel with the navigation to the next page
    page.click("nav >> text=Remembered vs experienced")
    page.wait_for_url("**/dashboard/scores?**")
    assert page.input_value("#f-pod") == pod
    assert _charts_rendered(page) == 2
    page.click("text=Reset")
    page.wait_for_url("**/dashboard/scores")
    assert page.input_value("#f-channel") == "" and page.input_value("#f-pod") == ""
    assert page.errors == []


def test_journey_trajectory(page, live_server: str, artifacts: Path) -> None:  # noqa: ANN001
    page.goto(live_server + "/dashboard/journeys")
    link = page.locator("table.data tbody a").first
    iid = link.inner_text()
    link.click()
    page.wait_for_url(f"**interaction={iid}**")
    assert _charts_rendered(page) == 2  # contact trajectory and customer journey
    legend = page.locator("#chart-trajectory .legend").text_content() or ""
    assert "peak" in legend and "end" in legend
    assert page.locator("tr.end").count() == 1
    _shot(page, artifacts, "journey_contact")
    assert page.errors == []


def test_keyboard_navigation_and_focus(page, live_server: str) -> None:  # noqa: ANN001
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, document.activeElement.textContent]"
    )
    assert focused == ["skip-link", "Skip to content"]
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0  # it becomes visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(live_server + "/")
    for _ in range(3):  # skip link, brand, first nav link
        page.keyboard.press("Tab")
    active = page.evaluate("""() => { const a = document.activeElement, s = getComputedStyle(a);
        return [a.closest('nav') !== null, a.textContent, s.outlineStyle, s.outlineWidth]; }""")
    assert active[0] and active[1] == "Overview"
    assert active[2] != "none" and active[3] != "0px"  # a visible focus ring
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # follow the second nav link with the keyboard
    page.wait_for_url("**/dashboard/journeys")


def test_text_contrast_meets_wcag_aa(page, live_server: str) -> None:  # noqa: ANN001
    for path in ("/", "/dashboard/value", "/dashboard/coaching"):
        page.goto(live_server + path)
        page.locator("details").first.evaluate("d => d.open = true") if page.locator(
            "details"
        ).count() else None
        assert page.evaluate(CONTRAST_JS) == [], path


def test_questionnaire_in_the_browser(page, live_server: str, artifacts: Path) -> None:
    page.goto(live_server + "/dashboard/maturity")
    fieldsets = page.locator("form.questionnaire fieldset")
    n = fieldsets.count()
    assert n >= 4  # at least one question per pillar
    for k in range(n):  # answer every question by clicking the label of its last option
        fieldsets.nth(k).locator("label").last.click()
    page.click("button:has-text('Assess')")
    page.wait_for_load_state()
    assert page.url.endswith("/dashboard/maturity")
    assert page.locator("dt:has-text('Overall stage')").count() == 1
    assert _charts_rendered(page) == 1
    assert page.locator("form.questionnaire input:checked").count() == n
    _shot(page, artifacts, "maturity_assessed")
    assert page.errors == []
