"""The report as a short text summary and as one self-contained HTML page (no script, no
external file: inline CSS and SVG charts), each chart followed by its figures in a table for
screen readers and print.

Pure: takes the figures and the grouped gaps; `mask` is applied to every person's text shown
(identity, or redact.redact with --redact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Callable, List, Optional, Sequence, Tuple

from operations.figures import Figures, SectionFeedback, feedback_by_section
from operations.gaps import Gap

Mask = Callable[[str], str]
TEXT_GAPS = 10  # content gaps listed in the terminal summary
PAGE_GAPS = 100  # and on the page (the rest are counted)


@dataclass
class Report:
    figures: Figures
    gaps: List[Gap]
    since: Optional[float]  # the period asked for (None: everything kept)
    made: float  # when the report was made

    @property
    def sections(self) -> List[SectionFeedback]:
        return feedback_by_section(self.figures.feedback)


def day(timestamp: Optional[float]) -> str:
    if timestamp is None:
        return "-"
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%d")


def minute(timestamp: Optional[float]) -> str:
    if timestamp is None:
        return "-"
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def period(report: Report) -> str:
    f = report.figures
    if f.first is None:
        return "no conversations stored" + (
            f" since {minute(report.since)}" if report.since else ""
        )
    return f"{minute(f.first)} to {minute(f.last)}"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def headline(report: Report) -> List[Tuple[str, str]]:
    f = report.figures
    asked = f.answered + f.not_found
    return [
        ("Period", period(report)),
        ("Conversations", str(f.conversations)),
        ("Messages from people (turns)", str(f.turns)),
        ("Questions answered from the article", str(f.answered)),
        (
            "Questions answered Not Found",
            f"{f.not_found} ({percent(f.not_found, asked)} of questions)",
        ),
        ("Urgent advice given", str(f.urgent)),
        ("Apologies (action server down or slow)", str(f.apologies)),
        ("Feedback on answers", f"{len(f.feedback)} ({sum(x.helpful for x in f.feedback)} helped)"),
    ]


def summary_text(report: Report, mask: Mask) -> str:
    lines = [f"{name}: {value}" for name, value in headline(report)]
    if report.figures.answers:
        lines.append("Answers per section:")
        lines += [f"  {n:6d}  {s}" for s, n in report.figures.answers.most_common()]
    if report.gaps:
        lines.append(f"Content gaps (Not Found questions, grouped; top {TEXT_GAPS}):")
        lines += [f"  {g.count:6d}  {mask(g.label)}" for g in report.gaps[:TEXT_GAPS]]
    sections = report.sections
    if sections:
        lines.append("Feedback per section (helped / did not):")
        lines += [f"  {s.helpful:4d} / {s.not_helpful:<4d} {s.section}" for s in sections]
    return "\n".join(lines)


# HTML ------------------------------------------------------------------------------------

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;
max-width:60rem;padding:1rem 1.5rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#444;font-size:.9rem}
svg text{font:13px system-ui,sans-serif;fill:#1a1a1a}
ul.wordings{margin:.2rem 0 0 1rem;padding:0;color:#444;font-size:.9rem}
"""
BAR = "#1f5f99"  # 7:1 on white
BAR_NO = "#b3261e"


def _bars(title: str, rows: Sequence[Tuple[str, Sequence[int]]], colours: Sequence[str]) -> str:
    """A horizontal (stacked) bar chart as inline SVG; its figures are in the table after it."""
    if not rows:
        return ""
    label_width, bar_width, height = 330, 380, 26
    top = max(sum(values) for _, values in rows) or 1
    parts = []
    for i, (label, values) in enumerate(rows):
        y = i * height
        short = label if len(label) <= 48 else label[:47] + "…"
        parts.append(f'<text x="0" y="{y + 17}">{escape(short)}</text>')
        x = label_width
        for value, colour in zip(values, colours):
            width = bar_width * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{width:.1f}" height="{height - 8}" '
                f'fill="{colour}"/>'
            )
            x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 17}">{" / ".join(map(str, values))}</text>')
    total_height = len(rows) * height
    return (
        f'<svg role="img" aria-label="{escape(title)}" width="100%" '
        f'viewBox="0 0 {label_width + bar_width + 80} {total_height}">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()
) -> str:
    head = "".join(
        f'<th scope="col"{" class=n" if i in numeric else ""}>{escape(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td{" class=n" if i in numeric else ""}>{cell}</td>' for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_page(report: Report, mask: Mask, redacted: bool) -> str:
    f = report.figures
    out = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Chatbot report, {escape(period(report))}</title><style>{STYLE}</style></head>",
        "<body><main><h1>What people asked the chatbot</h1>",
        f'<p class="note">Made {escape(minute(report.made))}. No sender ids are shown; message '
        "text only for Not Found questions and feedback comments"
        + (", with digits, e-mail addresses and phone numbers masked." if redacted else ".")
        + "</p>",
        "<h2>Summary</h2>",
        _table(["Figure", "Value"], [(escape(n), escape(v)) for n, v in headline(report)]),
    ]
    answers = f.answers.most_common()
    out.append("<h2>Answers per section</h2>")
    if answers:
        out.append(_bars("Answers per section", [(s, [n]) for s, n in answers], [BAR]))
        out.append(_table(["Section", "Answers"], [(escape(s), str(n)) for s, n in answers], [1]))
    else:
        out.append("<p>No answers in this period.</p>")

    out.append("<h2>Content gaps: questions answered Not Found</h2>")
    if report.gaps:
        out.append(
            '<p class="note">Similar questions are grouped (same words once word forms, '
            "common words and typos are set aside); most frequent first. This is where the "
            "next article could go.</p>"
        )
        rows = []
        for gap in report.gaps[:PAGE_GAPS]:
            wordings = "".join(f"<li>{escape(mask(w))}</li>" for w in gap.wordings)
            cell = escape(mask(gap.label)) + (
                f'<ul class="wordings">{wordings}</ul>' if wordings else ""
            )
            rows.append((cell, str(gap.count), day(gap.first), day(gap.last)))
        out.append(_table(["Question", "Times asked", "First", "Last"], rows, [1]))
        rest = report.gaps[PAGE_GAPS:]
        if rest:
            out.append(
                f"<p>{len(rest)} more groups, asked {sum(g.count for g in rest)} times in all "
                "(each less often than those above).</p>"
            )
    else:
        out.append("<p>No question was answered Not Found in this period.</p>")

    out.append("<h2>Did the answers help?</h2>")
    sections = report.sections
    if sections:
        out.append(
            '<p class="note">Feedback after each answer, per article section: helped '
            f'(<span style="color:{BAR}">■</span>) / did not help '
            f'(<span style="color:{BAR_NO}">■</span>).</p>'
        )
        chart_rows = [(s.section, [s.helpful, s.not_helpful]) for s in sections]
        out.append(_bars("Feedback per section: helped / did not help", chart_rows, [BAR, BAR_NO]))
        rows = []
        for s in sections:
            comments = "".join(
                f"<li>{escape(mask(c.text))} <span class=note>({day(c.timestamp)})</span></li>"
                for c in s.comments
            )
            rows.append(
                (
                    escape(s.section),
                    str(s.helpful),
                    str(s.not_helpful),
                    f"<ul>{comments}</ul>" if comments else "",
                )
            )
        out.append(_table(["Section", "Helped", "Did not help", "Comments"], rows, [1, 2]))
    else:
        out.append("<p>No feedback in this period.</p>")
    out.append("</main></body></html>")
    return "\n".join(out)
