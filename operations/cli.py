"""The operator's commands (`make report`, `make prune`, `make forget`) on the current
profile's tracker store (BOT_PROFILE, ENDPOINTS as for scripts/serve.sh):

    python -m operations report [--since 7d] [--redact] [--html var/report.html]
    python -m operations prune [--days N]       (default RETENTION_DAYS, else 30)
    python -m operations forget SENDER
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import List, Optional

from operations import store
from operations.figures import tally
from operations.gaps import group
from operations.redact import redact
from operations.render import Report, html_page, summary_text

PERIOD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$")
UNIT_SECONDS = {"h": 3600, "d": store.DAY, "w": 7 * store.DAY}


def parse_since(text: Optional[str], now: float) -> Optional[float]:
    """ "7d", "12h", "2w" -> the timestamp that long before `now`; empty: no limit."""
    if not text:
        return None
    match = PERIOD.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"SINCE is a number and h, d or w (7d), not {text!r}")
    return now - float(match.group(1)) * UNIT_SECONDS[match.group(2)]


def lemmatizer():
    """medinfo.language.words for many texts at once (nlp.pipe)."""
    from medinfo.language import load_pipeline

    nlp = load_pipeline()

    def lemmatize(texts):
        docs = nlp.pipe((text.lower() for text in texts), batch_size=1000)
        return [[(t.text, t.lemma_) for t in doc if t.is_alpha] for doc in docs]

    return lemmatize


class KnownWords:
    """English words as the lemmatizer's lookup table knows them: its inflected forms and
    their lemmas (no typo among them)."""

    def __init__(self, nlp) -> None:
        self.table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self.lemmas = set(self.table.values())

    def __contains__(self, word: object) -> bool:
        return word in self.lemmas or word in self.table


def make_report(engine, since: Optional[float], now: float) -> Report:
    from medinfo.language import load_pipeline

    figures = tally(store.read_rows(engine, since))
    gaps = group(figures.not_found_questions, lemmatizer(), KnownWords(load_pipeline()))
    return Report(figures, gaps, since, now)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m operations", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="summary, and var/report.html")
    report.add_argument("--since", default="", help="only this recent a period: 7d, 12h, 2w")
    report.add_argument("--redact", action="store_true", help="mask digits, e-mails, phones")
    report.add_argument("--html", default="var/report.html", help="where to write the page")
    prune = commands.add_parser("prune", help="remove conversations past retention")
    prune.add_argument("--days", type=float, help="default: RETENTION_DAYS, else 30")
    forget = commands.add_parser("forget", help="remove every stored event of one sender")
    forget.add_argument("sender")
    args = parser.parse_args(argv)

    now = time.time()
    try:
        since = parse_since(args.since, now) if args.command == "report" else None
        days = args.days if args.command == "prune" and args.days else None
        if args.command == "prune" and days is None:
            days = store.retention_days()
        path = store.endpoints_path()
        engine = store.engine_from_endpoints(path)
    except (ValueError, argparse.ArgumentTypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    if args.command == "report":
        started = time.perf_counter()
        result = make_report(engine, since, now)
        mask = redact if args.redact else (lambda text: text)
        html = Path(args.html)
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(html_page(result, mask, args.redact), encoding="utf-8")
        print(summary_text(result, mask))
        print(f"Written {html} ({time.perf_counter() - started:.1f} s, store of {path}).")
    elif args.command == "prune":
        removed = store.prune(engine, days, now)
        print(f"Removed {removed} conversation(s) whose last event is over {days:g} days old.")
    else:
        removed = store.forget(engine, args.sender)
        print(f"Removed {removed} event(s) of that sender." if removed else "No such sender.")
    return 0
