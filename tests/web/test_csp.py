"""The Content-Security-Policy (api/edges.py) leaves every dashboard page working in
Chromium: no "Refused to ..." violation, and the pages' figures are drawn by plotly.js."""

from __future__ import annotations

from empathos.web.routes import NAV


def test_every_page_renders_under_the_csp(browser, live_server: str) -> None:  # noqa: ANN001
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    drawn = 0
    for path, _ in NAV:
        r = page.goto(live_server + path)
        assert r is not None and r.status == 200, path
        assert "content-security-policy" in r.headers, path
        page.wait_for_load_state("networkidle")
        drawn += page.locator(".js-plotly-plot").count()
    page.close()
    assert not violations, violations
    assert drawn > 0
