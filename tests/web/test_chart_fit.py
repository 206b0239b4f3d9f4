"""No chart's axis labels are clipped (issue 13: a chart's axis labels were cut off).

In Chromium, on every dashboard page of the test store: every tick label, axis title and
chart title of every Plotly chart must lie inside its chart's SVG (an inline SVG clips
what falls outside it, so a label outside its box is a label the user cannot read).
Screenshots of each chart go to tests/web/artifacts/ (git-ignored) to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from empathos.web.routes import NAV

# For every chart: its SVG box and the boxes of its labels that stick out of it.
CLIPPED_JS = """() => {
  const out = [];
  document.querySelectorAll('[data-figure]').forEach((fig, k) => {
    const svg = fig.querySelector('.main-svg');
    if (!svg) { out.push({chart: k, missing: true}); return; }
    const box = svg.getBoundingClientRect();
    const labels = fig.querySelectorAll(
      '.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .gtitle, .legendtext');
    let n = 0;
    labels.forEach(t => {
      const r = t.getBoundingClientRect();
      if (!r.width || !t.textContent.trim()) return;
      n += 1;
      if (r.left < box.left - 1 || r.right > box.right + 1
          || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push({chart: k, text: t.textContent.trim().slice(0, 40),
                  label: [r.left, r.top, r.right, r.bottom].map(Math.round),
                  svg: [box.left, box.top, box.right, box.bottom].map(Math.round)});
    });
    out.push({chart: k, labels: n});
  });
  return out; }"""


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201 - Playwright objects
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    yield pg
    context.close()


def test_no_axis_label_is_clipped(page, live_server: str, artifacts: Path) -> None:  # noqa: ANN001
    clipped, labels_seen, charts = [], 0, 0
    for path, _ in NAV:
        page.goto(live_server + path)
        n = page.locator("[data-figure]").count()
        if not n:
            continue
        page.wait_for_function(
            "n => document.querySelectorAll('[data-figure] .main-svg').length >= n",
            arg=n,
            timeout=15000,
        )
        for item in page.evaluate(CLIPPED_JS):
            if "labels" in item:
                labels_seen += item["labels"]
                charts += 1
            else:
                clipped.append((path, item))
        for k in range(n):
            page.locator("[data-figure]").nth(k).screenshot(
                path=str(
                    artifacts / f"chart_{path.strip('/').replace('/', '_') or 'overview'}_{k}.png"
                )
            )
    assert charts >= 5 and labels_seen > 5 * charts  # the check saw real charts' labels
    assert not clipped, clipped
