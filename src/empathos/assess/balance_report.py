"""The balance sheet as a self-contained HTML page and as a PDF.

Self-contained on purpose: the report is mailed to a CFO or opened on an air-gapped
laptop, so the HTML carries its CSS and its chart (inline SVG) and loads nothing from the
network; the PDF is drawn with fpdf2 (pure Python, core fonts, no system libraries).
Both render the same ``rows`` so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from empathos.assess.balance_sheet import BalanceSheet

__all__ = ["Row", "render_html", "render_pdf", "rows", "source_text"]

SOURCE_TEXT = {
    "imported": "imported data (the company's own records)",
    "sample": "SAMPLE data (hand-written for Empathos), not a real company",
    "simulated": "SIMULATED data (the Empathos simulator), not a real company",
    "mixed": "a MIX of data sources (imported, sample and/or simulated)",
    "none": "no scored customers in the store",
}


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    value: str
    how: str
    amount: float | None = None  # for the chart


def money(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:,.0f}%"


def source_text(bs: BalanceSheet) -> str:
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(bs.sources.items()))
    text = SOURCE_TEXT.get(bs.source, bs.source)
    return f"{text} ({counts} customers)" if counts else text


def known(bs: BalanceSheet, name: str) -> str:
    """A money line: ``unknown`` when the data cannot support it (the notes say why),
    marked ``(estimated)`` when it rests on prior or fallback values."""
    x = getattr(bs, name)
    if x is None:
        return "unknown"
    return money(x) + (" (estimated)" if name in bs.estimated else "")


def rows(bs: BalanceSheet) -> list[Row]:
    """The lines of the sheet, in reading order."""
    vp = bs.value_protected
    vp_text = money(vp.point) + (f" [{money(vp.low)}, {money(vp.high)}]" if bs.lift_used else "")
    roi = bs.roi
    roi_text = (
        (bs.roi_note or "undefined (no cost given)")
        if roi.point is None
        else (
            f"{pct(roi.point)} [{pct(roi.low)}, {pct(roi.high)}]; P(ROI > 0) = "
            f"{bs.p_roi_positive:.2f}"
        )
    )
    return [
        Row(
            "Customer lifetime value (CLV)",
            known(bs, "clv_total"),
            f"sum over {bs.n_customers:,} scored customers",
            bs.clv_total,
        ),
        Row(
            "Value at risk",
            known(bs, "value_at_risk"),
            "sum of P(churn) x CLV; mean P(churn) "
            + ("unknown" if bs.mean_p_churn is None else f"{bs.mean_p_churn:.3f}"),
            bs.value_at_risk,
        ),
        Row(
            "  of which avoidable",
            known(bs, "avoidable_value_at_risk"),
            "customers whose top churn drivers an action can change",
            bs.avoidable_value_at_risk,
        ),
        Row(
            "Employee lifetime value (ELV)",
            known(bs, "elv_total"),
            f"sum over {bs.n_employees:,} scored employees",
            bs.elv_total,
        ),
        Row(
            "ELV at risk",
            known(bs, "elv_at_risk"),
            "sum of attrition risk x ELV (negative ELV counts 0)",
            bs.elv_at_risk,
        ),
        Row(
            "Value protected by measured actions",
            vp_text,
            f"measured churn lift x value at risk x coverage {bs.coverage:.0%}"
            if bs.lift_used
            else "no measured action yet",
            vp.point,
        ),
        Row("Programme cost", money(bs.programme_cost), "user input", bs.programme_cost),
        Row(
            "ROI [95% interval]",
            roi_text,
            "(value protected - cost) / cost, Monte Carlo over the lift's CI",
        ),
    ]


def svg_bars(bs: BalanceSheet, width: int = 720) -> str:
    """A horizontal bar chart of the money lines, with the CI whisker on value protected."""
    items = [r for r in rows(bs) if r.amount is not None]
    lo = min([0.0, *(r.amount for r in items), bs.value_protected.low or 0.0])  # type: ignore[misc]
    hi = max([1.0, *(r.amount for r in items), bs.value_protected.high or 0.0])
    left, right, bar_h, gap = 250, 110, 22, 10
    plot = width - left - right
    height = len(items) * (bar_h + gap) + 20

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="bar chart of the balance '
        'sheet lines" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    ]
    parts.append(
        f'<line x1="{x(0):.1f}" y1="0" x2="{x(0):.1f}" y2="{height - 10}" stroke="#4a4a4a"/>'
    )
    for i, r in enumerate(items):
        y = 10 + i * (bar_h + gap)
        a, b = sorted((x(0), x(r.amount)))  # type: ignore[arg-type]
        color = (
            "#a4262c"
            if any(w in r.label.lower() for w in ("risk", "avoidable", "cost"))
            else "#0f6cbd"
        )
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(r.label.strip())}</text>'
        )
        parts.append(
            f'<rect x="{a:.1f}" y="{y}" width="{max(1.0, b - a):.1f}" height="{bar_h}" '
            f'fill="{color}"/>'
        )
        parts.append(f'<text x="{max(a, b) + 6:.1f}" y="{y + 15}">{escape(money(r.amount))}</text>')
        if (
            r.label.startswith("Value protected")
            and bs.lift_used
            and bs.value_protected.low is not None
        ):
            w1, w2 = x(bs.value_protected.low), x(bs.value_protected.high)  # type: ignore[arg-type]
            mid = y + bar_h / 2
            parts.append(
                f'<line x1="{w1:.1f}" y1="{mid}" x2="{w2:.1f}" y2="{mid}" stroke="#1b1b1b" '
                'stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("empathos.assess", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def render_html(bs: BalanceSheet) -> str:
    """The report as one HTML string with no external resource."""
    return (
        _env()
        .get_template("balance_sheet.html.j2")
        .render(
            bs=bs,
            rows=rows(bs),
            svg=svg_bars(bs),
            source_text=source_text(bs),
            lifts=([bs.lift_used] if bs.lift_used else []) + list(bs.other_lifts),
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
    )


def _latin1(text: str) -> str:
    """Core PDF fonts are Latin-1: replace what they cannot draw."""
    return (
        text.replace("\u2212", "-")
        .replace("\u2013", "-")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


# The PDF's columns as shares of the page's effective width (inside the margins), so the
# sheet fits whatever the format; the "how" column wraps instead of running off the page.
PDF_COLUMNS = (0.31, 0.25, 0.44)  # label, value, how
PDF_BARS = (0.36, 0.50)  # the bar chart: labels, bars; the rest holds the amounts


def render_pdf(bs: BalanceSheet, pdf: Any = None) -> bytes:
    """The report as PDF bytes: header with the data source, the lines, a bar chart, notes.
    ``pdf`` is a fresh ``fpdf.FPDF`` to draw on (default: A4; a test passes one that
    records where every cell lands)."""
    from fpdf import FPDF, FontFace

    pdf = pdf or FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title("Empathy balance sheet")
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Empathy balance sheet", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 6, _latin1("Data source: " + source_text(bs)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    if bs.as_of:
        pdf.cell(
            0,
            6,
            _latin1(bs.run or f"Scores as of {bs.as_of:%Y-%m-%d %H:%M} ({bs.churn_model})"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    table = rows(bs)
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(
        col_widths=PDF_COLUMNS,
        width=pdf.epw,
        text_align=("LEFT", "RIGHT", "LEFT"),
        borders_layout="NONE",
        first_row_as_headings=False,
        line_height=5,
        padding=(0.8, 1.5),
        v_align="TOP",
    ) as grid:
        for r in table:
            row = grid.row()
            row.cell(_latin1(r.label), style=FontFace(emphasis="BOLD"))
            row.cell(_latin1(r.value))
            row.cell(_latin1(r.how))
    pdf.ln(4)
    _pdf_bars(pdf, [r for r in table if r.amount is not None])
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Measured lifts", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    lifts = ([bs.lift_used] if bs.lift_used else []) + list(bs.other_lifts)
    if not lifts:
        pdf.multi_cell(
            0, 5, "No measured action yet: value protected is 0.", new_x="LMARGIN", new_y="NEXT"
        )
    for x in lifts:
        used = "used for value protected" if x is bs.lift_used else "not monetised"
        pdf.multi_cell(
            0,
            5,
            _latin1(
                f"{x.experiment_id} / {x.metric}: lift {x.lift:+.4f} "
                f"[{x.ci_low:+.4f}, {x.ci_high:+.4f}] ({used})"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Notes", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for n in bs.notes:
        pdf.multi_cell(0, 5, _latin1("- " + n), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _pdf_bars(pdf: object, items: list[Row]) -> None:
    """Horizontal bars drawn with rectangles (fpdf2 has no chart API)."""
    amounts = [r.amount or 0.0 for r in items]
    lo, hi = min(0.0, *amounts), max(1.0, *amounts)
    epw, left = pdf.epw, pdf.l_margin  # type: ignore[attr-defined]
    label_w, width, h = PDF_BARS[0] * epw, PDF_BARS[1] * epw, 5.0
    x0 = left + label_w
    zero = x0 + (0 - lo) / (hi - lo) * width
    for r, v in zip(items, amounts, strict=True):
        y = pdf.get_y()  # type: ignore[attr-defined]
        pdf.set_font("Helvetica", "", 8)  # type: ignore[attr-defined]
        pdf.cell(label_w - 2, h, _latin1(r.label.strip()))  # type: ignore[attr-defined]
        end = x0 + (v - lo) / (hi - lo) * width
        pdf.set_fill_color(164, 38, 44) if any(
            w in r.label.lower() for w in ("risk", "avoidable", "cost")
        ) else pdf.set_fill_color(15, 108, 189)  # type: ignore[attr-defined]
        pdf.rect(min(zero, end), y + 0.5, max(0.3, abs(end - zero)), h - 1, style="F")
        pdf.set_xy(x0 + width + 2, y)  # type: ignore[attr-defined]
        pdf.cell(0, h, money(v), new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]
