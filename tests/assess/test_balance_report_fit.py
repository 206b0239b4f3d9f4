"""The balance-sheet PDF fits its page (issue 13: its last column ran off the page).

Two checks: fpdf2's own geometry (every cell, wrapped cell and bar drawn inside the
margins, and a one-line cell's text no wider than its cell), and the rendered page itself
(poppler's ``pdftoppm``: no ink in the right margin, where text running off would show).
The sheet is one with long lines: a measured lift (the ROI with its interval) and a note
longer than a line.
"""

from __future__ import annotations

import shutil
import subprocess
import types
from pathlib import Path

import pytest
from fpdf import FPDF
from sqlalchemy import Engine

from empathos.assess.balance_report import render_pdf
from empathos.assess.balance_sheet import balance_sheet
from tests.assess import seed
from tests.assess.test_balance_sheet import CHURN_LIFT

SLACK = 0.01  # mm, float rounding


class RecordingPDF(FPDF):
    """An A4 FPDF that notes where each cell and rectangle lands (x, right edge, text)."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self.drawn: list[tuple[str, float, float, str]] = []

    def writing(self) -> bool:
        """False while fpdf2's table measures its rows (it swaps ``_out`` for a no-op:
        nothing reaches the page then, so nothing is recorded)."""
        return isinstance(self._out, types.MethodType)

    def cell(self, w=None, h=None, text="", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        x = self.get_x()
        right = self.w - self.r_margin if not w else x + w
        # a one-line cell does not wrap: its text must fit inside it
        need = x + self.get_string_width(str(text)) + (2 * self.c_margin if text else 0)
        if self.writing():
            self.drawn.append(("cell", x, max(right, need if w else need), str(text)))
        return super().cell(w, h, text, *args, **kwargs)

    def multi_cell(self, w, h=None, text="", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        x = self.get_x()
        if self.writing():
            self.drawn.append(("multi_cell", x, self.w - self.r_margin if not w else x + w, text))
        return super().multi_cell(w, h, text, *args, **kwargs)

    def rect(self, x, y, w, h, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        if self.writing():
            self.drawn.append(("rect", min(x, x + w), max(x, x + w), ""))
        return super().rect(x, y, w, h, *args, **kwargs)


@pytest.fixture
def long_sheet(sqlite_store: Engine):  # noqa: ANN201
    seed.seed_all(sqlite_store)
    bs = balance_sheet(sqlite_store, cost=20.0, lifts=[CHURN_LIFT])
    bs.notes.append("a long note " * 30)
    return bs


def test_every_cell_and_bar_is_inside_the_margins(long_sheet) -> None:  # noqa: ANN001
    pdf = RecordingPDF()
    render_pdf(long_sheet, pdf)
    assert len(pdf.drawn) > 20  # the table, the bars and the notes were all recorded
    assert any(kind == "rect" for kind, *_ in pdf.drawn)
    limit = pdf.w - pdf.r_margin + SLACK
    outside = [d for d in pdf.drawn if d[1] < pdf.l_margin - SLACK or d[2] > limit]
    assert not outside, (
        f"drawn past the margins (page {pdf.w} mm, margin {pdf.r_margin}): {outside}"
    )


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm missing (Debian package poppler-utils; .ci/run installs it)",
)
def test_rendered_page_has_no_ink_in_the_right_margin(long_sheet, tmp_path: Path) -> None:  # noqa: ANN001
    from PIL import Image

    pdf_path = tmp_path / "bs.pdf"
    pdf_path.write_bytes(render_pdf(long_sheet))
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", str(pdf_path), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    artifacts = Path(__file__).resolve().parents[1] / "web" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], artifacts / "balance_sheet_pdf_page1.png")
    for page in pages:
        img = Image.open(page).convert("L")
        w, h = img.size
        margin = int(w * 8 / 210)  # the outer 8 of the 10 mm right margin
        strip = img.crop((w - margin, 0, w, h))
        assert strip.getextrema()[0] > 200, f"{page.name}: ink in the right margin"
        body = img.crop((0, 0, w - margin, h))
        assert body.getextrema()[0] < 100, f"{page.name}: blank page?"
