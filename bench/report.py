"""The figures as a Markdown report (docs/benchmarks.md), with each target checked."""

from __future__ import annotations

from typing import Dict, List, Tuple

PICTURES = ("intent_confusion_matrix.png", "intent_histogram.png")


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def targets(r: Dict) -> List[Tuple[str, str, bool]]:
    """(target, measured, met) for each target of the issue that this run measured."""
    rows = []
    if "heldout" in r:
        h = r["heldout"]
        rows += [
            ("held-out (blind) intent accuracy ≥ 97 %", pct(h["accuracy"]), h["accuracy"] >= 0.97),
            ("out-of-scope recall ≥ 95 %", pct(h["oos_recall"]), h["oos_recall"] >= 0.95),
            (
                "in-scope wrongly Not Found ≤ 2 %",
                pct(h["in_scope_not_found"]),
                h["in_scope_not_found"] <= 0.02,
            ),
        ]
    if "answers" in r:
        a, ref = r["answers"], r["answers"].get("retriever")
        rows.append(
            (
                "answers (blind questions) from the right section ≥ 95 %",
                pct(a["right_share"]),
                a["right_share"] >= 0.95,
            )
        )
        if ref:
            gap = a["right_share"] - ref["best_right_share"]
            rows.append(
                (
                    "≥ 40 points above the retriever (at its best threshold)",
                    f"{100 * gap:+.1f} points",
                    gap >= 0.40,
                )
            )
    if "scope" in r:
        rows += scope_targets(r["scope"])
    if "speed" in r:
        s = r["speed"]
        c = s["concurrent"]
        rows += [
            (
                "knowledge p50 ≤ 1.3 × small-talk p50",
                f"{s['ratio_p50']:.2f} ×",
                s["ratio_p50"] <= 1.3,
            ),
            (f"{c['conversations']} concurrent: 0 errors", str(c["errors"]), c["errors"] == 0),
            (
                f"{c['conversations']} concurrent: p95 ≤ 500 ms",
                f"{c['p95_ms']:.0f} ms",
                c["p95_ms"] <= 500,
            ),
            (
                f"{c['conversations']} concurrent: ≥ 60 turns/s",
                f"{c['turns_per_s']:.1f}",
                c["turns_per_s"] >= 60,
            ),
        ]
    rows += store_targets(r.get("stores", {}))
    if "memory" in r:
        rss = r["memory"]["rasa_peak_mb"]
        rows.append(("Rasa server peak memory ≤ 1.2 GB", f"{rss:.0f} MB", rss <= 1200))
    if "training_s" in r:
        rows.append(("training ≤ 90 s", f"{r['training_s']:.0f} s", r["training_s"] <= 90))
    if "start_to_first_answer_s" in r:
        t = r["start_to_first_answer_s"]
        rows.append(("start to first answer ≤ 30 s", f"{t:.1f} s", t <= 30))
    return rows


def scope_targets(s: Dict) -> List[Tuple[str, str, bool]]:
    """Issue 13's targets on the blind sets of bench/heldout/ and the generated questions."""
    rows = []
    a = s.get("answers_all")
    if a:
        rows += [
            (f"blind answerable ({a['answerable']}): right section ≥ 97 %",
             pct(a["right_section"]), a["right_section"] >= 0.97),
            ("blind answerable: in-scope Not Found ≤ 2 %",
             pct(a["in_scope_not_found"]), a["in_scope_not_found"] <= 0.02),
            (f"blind refusable ({a['refusable']}): out-of-scope recall ≥ 97 %",
             pct(a["out_of_scope_recall"]), a["out_of_scope_recall"] >= 0.97),
        ]  # fmt: skip
    for key, r in s.items():
        if key.startswith("near_misses"):
            answered = 1 - r["out_of_scope_recall"]
            rows.append((f"near misses ({r['refusable']}): answered ≤ 2 %", pct(answered),
                         answered <= 0.02))  # fmt: skip
        elif key.startswith("conversations"):
            rows.append((f"conversations ({r['conversations']}): right at every turn ≥ 95 %",
                         pct(r["all_turns_right"]), r["all_turns_right"] >= 0.95))  # fmt: skip
    g = s.get("generated_out_of_scope")
    if g:
        rows.append((f"generated out-of-scope ({g['questions']}): answered ≤ 0.5 %",
                     pct(g["answered"]), g["answered"] <= 0.005))  # fmt: skip
    return rows


def scope_lines(s: Dict) -> List[str]:
    """Every scope set's aggregates (bench/scope.py); errors only of the generated set."""
    lines = ["## Scope (bench/heldout/, bench/generated.py; REST webhook)", ""]
    lines += ["| set | figures |", "| --- | --- |"]
    for key, r in s.items():
        figures = ", ".join(
            f"{m} {pct(v) if isinstance(v, float) else v}"
            for m, v in r.items() if m != "errors" and v is not None
        )  # fmt: skip
        lines.append(f"| {key} | {figures} |")
    return lines + [""]


STORE_NAMES = {
    "sqlite": "SQLite, recent part (`make run`)",
    "memory": "in memory, recent part",
    "rasa-sqlite": "Rasa's SQL store on SQLite (before)",
    "rasa-memory": "Rasa's in-memory store (before)",
}


def store_ratios(stores: Dict) -> Dict[str, float]:
    """SQLite against memory, measured in the same run: the store's cost as a ratio."""
    sq, mem = stores["sqlite"]["speed"], stores["memory"]["speed"]
    return {
        "small_talk_p50": sq["small_talk"]["p50_ms"] / mem["small_talk"]["p50_ms"],
        "knowledge_p50": sq["sequential"]["p50_ms"] / mem["sequential"]["p50_ms"],
        "throughput": mem["concurrent"]["turns_per_s"] / sq["concurrent"]["turns_per_s"],
    }


def store_targets(stores: Dict) -> List[Tuple[str, str, bool]]:
    rows = []
    if "sqlite" in stores and "memory" in stores:
        ratio = store_ratios(stores)
        rows += [
            (
                "SQLite small-talk p50 ≤ 1.15 × in-memory",
                f"{ratio['small_talk_p50']:.2f} ×",
                ratio["small_talk_p50"] <= 1.15,
            ),
            (
                "concurrent turns/s: in-memory ≤ 1.15 × SQLite",
                f"{ratio['throughput']:.2f} ×",
                ratio["throughput"] <= 1.15,
            ),
        ]
    for name in ("sqlite", "memory"):
        if name in stores and "long" in stores[name]:
            growth = stores[name]["long"]["growth"]
            rows.append(
                (
                    f"{STORE_NAMES[name]}: turn p50 at 281–300 ≤ 1.5 × at 3–22 (same time)",
                    f"{growth:.2f} ×",
                    growth <= 1.5,
                )
            )
    return rows


def store_lines(stores: Dict) -> List[str]:
    """Each tracker store's speed, side by side, from one run."""
    lines = [
        "## Tracker stores side by side (one run, the same model and machine load)",
        "",
        "One bot per store (scripts/serve.sh), all running at once and measured in"
        " alternation, turn by turn and round by round, so that the machine's load weighs on"
        " each alike; absolute times vary 2× from machine to machine and day to day, the"
        " ratios much less.",
        "",
        "| store | small-talk p50 | knowledge p50 | 20 at once: turns/s | p95 |"
        " long conversation p50, turns 3–22 → 281–300 (in time order) | growth |"
        " a new one's 3–22 at the same time | growth | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, figures in stores.items():
        s, c, long = figures["speed"], figures["speed"]["concurrent"], figures.get("long")
        growth = ("", "", "", "")
        if long:
            growth = (
                f"{long['early']['p50_ms']:.0f} → {long['late']['p50_ms']:.0f} ms",
                f"{long['growth_in_time_order']:.2f} ×",
                f"{long['early_same_time']['p50_ms']:.0f} ms",
                f"{long['growth']:.2f} ×",
            )
        errors = s["sequential"]["errors"] + s["small_talk"]["errors"] + c["errors"]
        errors += long["errors"] if long else 0
        lines.append(
            f"| {STORE_NAMES.get(name, name)} | {s['small_talk']['p50_ms']:.0f} ms |"
            f" {s['sequential']['p50_ms']:.0f} ms | {c['turns_per_s']:.1f} |"
            f" {c['p95_ms']:.0f} ms | {' | '.join(growth)} | {errors} |"
        )
    lines.append("")
    if "sqlite" in stores and "memory" in stores:
        ratio = store_ratios(stores)
        lines += [
            f"SQLite / memory: small-talk p50 {ratio['small_talk_p50']:.2f},"
            f" knowledge p50 {ratio['knowledge_p50']:.2f}; concurrent throughput memory /"
            f" SQLite {ratio['throughput']:.2f}.",
            "",
        ]
    return lines


def growth_lines(growth: Dict) -> List[str]:
    """Where a turn's time grows over one conversation, by store (in-process profile)."""
    names = list(growth)
    parts = sorted(
        {k for windows in growth.values() for w in windows.values() for k in w},
        key=lambda k: -growth[names[0]]["late"].get(k, 0),
    )
    header = " | ".join(f"{STORE_NAMES.get(n, n)}: 3–22 → 281–300" for n in names)
    lines = [
        "## Where a turn's time grows over one conversation",
        "",
        "Rasa's Agent in the bench process, one conversation of 300 turns (the speed script's"
        " questions in a loop), ms per turn (nested parts as above):",
        "",
        f"| part | {header} |",
        "| --- |" + " --- |" * len(names),
    ]
    for part in parts:
        cells = []
        for n in names:
            early, late = growth[n]["early"].get(part, 0), growth[n]["late"].get(part, 0)
            cells.append(f"{early:.1f} → {late:.1f}")
        lines.append(f"| {part} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def nlu_lines(title: str, n: Dict) -> List[str]:
    lines = [
        f"### {title}",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| messages | {n['messages']} ({n['oos_messages']} out of scope) |",
        f"| intent accuracy | {pct(n['accuracy'])} |",
        f"| macro-F1 | {n['macro_f1']:.3f} |",
        f"| out-of-scope precision (Not Found said to out-of-scope messages) |"
        f" {pct(n['oos_precision'])} |",
        f"| out-of-scope recall | {pct(n['oos_recall'])} |",
        f"| in-scope messages wrongly Not Found | {pct(n['in_scope_not_found'])} |",
        f"| Rasa run time | {n['seconds']:.0f} s |",
        "",
    ]
    if "classifier" in n:
        c = n["classifier"]
        lines += [
            "The figures score each message as the bot acts on it: a topic question the action"
            " answers Not Found counts as out_of_scope. The classifier alone, before the"
            f" action's scope check: accuracy {pct(c['accuracy'])}, out-of-scope recall"
            f" {pct(c['oos_recall'])}, in-scope wrongly Not Found {pct(c['in_scope_not_found'])}.",
            "",
        ]
    if n["worst_pairs"]:
        lines += [
            "Worst-confused intent pairs (wanted → predicted: count): "
            + "; ".join(f"{w} → {g}: {c}" for w, g, c in n["worst_pairs"]),
            "",
        ]
    return lines


def answer_lines(title: str, a: Dict) -> List[str]:
    ref = a.get("retriever", {})
    lines = [
        f"## {title}",
        "",
        "Each question through the REST webhook; the reply traced to the section it quotes.",
        "",
        "| figure | bot | TF-IDF retriever |",
        "| --- | --- | --- |",
        f"| questions answered from the right section (or Not Found) | "
        f"{pct(a['right_share'])} of {a['questions']} | "
        f"{pct(ref.get('right_share', float('nan')))} at threshold"
        f" {ref.get('threshold')}, {pct(ref.get('best_right_share', float('nan')))} at"
        f" its best threshold {ref.get('best_threshold')} |",
        f"| in-scope questions right ({a['in_scope']}) | {pct(a['in_scope_right'])} | |",
        f"| in-scope questions wrongly Not Found | {pct(a['in_scope_not_found'])} | |",
        f"| Not Found questions right ({a['not_found_questions']}) |"
        f" {pct(a['not_found_right'])} | |",
        "",
    ]
    if a["wrong"]:
        lines += ["Wrong answers (question: wanted → answered from):", ""]
        lines += [f"- “{q}”: {e} → {g}" for q, e, g in a["wrong"]]
        lines.append("")
    return lines


def markdown(r: Dict) -> str:
    m = r["machine"]
    load_end = r.get("load_end", m["load"])
    lines = [
        "# Benchmarks (`make bench`)",
        "",
        f"Measured {m['date']} on {m['cores']} cores, {m['ram_gib']:.0f} GiB RAM"
        f" ({m['cpu']}); load average at start {m['load'][0]:.2f} / {m['load'][1]:.2f} /"
        f" {m['load'][2]:.2f}, at end {load_end[0]:.2f} / {load_end[1]:.2f} /"
        f" {load_end[2]:.2f}. The bench took {r.get('bench_s', 0) / 60:.1f} min.",
        "",
        *[
            f"**The step `{step}` failed** ({why}); its figures are missing below."
            for step, why in r.get("failed", {}).items()
        ],  # fmt: skip
        *(
            [f"Steps skipped (`--skip`): {', '.join(r['skipped'])}; their figures are missing."]
            if r.get("skipped")
            else []
        ),
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {t} | {v} | {'yes' if ok else '**no**'} |" for t, v, ok in targets(r)]
    lines += ["", "## NLU", ""]
    if "heldout" in r:
        lines += nlu_lines(
            "Held-out set written blind (tests/nlu_heldout/: the writers read only the article)",
            r["heldout"],
        )
        lines += [
            f"![confusion matrix]({PICTURES[0]})",
            f"![confidence histogram]({PICTURES[1]})",
            "",
        ]
        if r["heldout"]["errors"]:
            lines += ["Held-out errors (wanted → predicted):", ""]
            lines += [f"- “{t}”: {w} → {g}" for w, g, t in r["heldout"]["errors"]]
            lines.append("")
    if "cv" in r:
        lines += nlu_lines(
            f"{r['cv']['folds']}-fold cross-validation on the training data", r["cv"]
        )
    for key, title in (
        ("answers", "Answers end to end: questions written blind (bench/answers_heldout/)"),
        ("answers_dev", "Answers end to end: the development files (bench/answers_dev/), seen"),
    ):
        if key in r:
            lines += answer_lines(title, r[key])
    if "scope" in r:
        lines += scope_lines(r["scope"])
    if "speed" in r:
        s = r["speed"]
        c = s["concurrent"]
        lines += [
            "## Speed (REST webhook, action server, after a warm-up;"
            f" tracker store: {STORE_NAMES.get(r.get('store'), r.get('store'))})",
            "",
            "Machines here differ up to 2× from day to day, so the figures that travel are"
            " ratios measured in one run: knowledge turn / small-talk turn, concurrent /"
            " sequential throughput, SQLite / in-memory store, turn 300 / turn 3. The"
            " absolute times are context for this run only.",
            "",
            "| run | turns | errors | p50 | p95 | turns/s |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| one conversation in sequence: knowledge turns | {s['sequential']['turns']} |"
            f" {s['sequential']['errors']} | {s['sequential']['p50_ms']:.0f} ms |"
            f" {s['sequential']['p95_ms']:.0f} ms | |",
            f"| same run, small-talk “hi” turns | {s['small_talk']['turns']} |"
            f" {s['small_talk']['errors']} | {s['small_talk']['p50_ms']:.0f} ms |"
            f" {s['small_talk']['p95_ms']:.0f} ms | |",
            f"| {c['conversations']} conversations at once × 12 turns | {c['turns']} |"
            f" {c['errors']} | {c['p50_ms']:.0f} ms | {c['p95_ms']:.0f} ms |"
            f" {c['turns_per_s']:.1f} |",
            "",
            f"Knowledge turn p50 / small-talk p50: {s['ratio_p50']:.2f}."
            + (
                f" Throughput of 20 conversations at once / of one in sequence"
                f" ({s['sequential_turns_per_s']:.1f} turns/s):"
                f" {s['concurrent_over_sequential']:.2f}."
                if "sequential_turns_per_s" in s
                else ""
            )
            + " The concurrent row is"
            f" the median of {len(s.get('rounds', []))} rounds by throughput; all rounds"
            " (turns/s, p50, p95, errors): "
            + "; ".join(
                f"{x['turns_per_s']:.1f}, {x['p50_ms']:.0f} ms, {x['p95_ms']:.0f} ms, {x['errors']}"
                for x in s.get("rounds", [])
            )
            + ".",
            "",
        ]
    if len(r.get("stores", {})) > 1:
        lines += store_lines(r["stores"])
    if "profile" in r:
        p = r["profile"]
        lines += [
            "## Where one turn's time goes",
            "",
            f"Rasa's Agent in the bench process, the action server over HTTP, {p['turns']}"
            f" knowledge turns: {p['turn_ms']:.1f} ms a turn, of which (nested: the nodes"
            " run inside the NLU and policy graphs):",
            "",
            "| part | ms per turn |",
            "| --- | --- |",
        ]
        lines += [f"| {k} | {v:.2f} |" for k, v in p["parts_ms"].items()]
        lines.append("")
    if "profile_growth" in r:
        lines += growth_lines(r["profile_growth"])
    lines += ["## Resources", "", "| figure | value |", "| --- | --- |"]
    if "memory" in r:
        lines += [
            f"| Rasa server peak memory (RSS of its process tree) |"
            f" {r['memory']['rasa_peak_mb']:.0f} MB |",
            f"| action server peak memory | {r['memory']['actions_peak_mb']:.0f} MB |",
        ]
    if "training_s" in r:
        lines.append(f"| `rasa train --force` | {r['training_s']:.0f} s |")
    if "start_to_first_answer_s" in r:
        lines.append(
            f"| start (scripts/serve.sh) to first answer |"
            f" {r['start_to_first_answer_s']:.1f} s |"
        )
    lines.append(f"| model size | {r['model_mb']:.1f} MB |")
    lines.append("")
    return "\n".join(lines)
