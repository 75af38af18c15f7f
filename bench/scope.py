"""Does the bot answer only what the article answers? The measures of issue 13.

Sets (bench/heldout/, written by people who read only the article; never trained on):
- answers_*.yml: single questions labelled with the section that answers them, `not_found`
  or `urgent` (a danger sign described now);
- near_misses_*.yml: everyday-word questions about other things, all `not_found`;
- conversations_*.yml: conversations of 2-4 turns, each turn labelled (also `smalltalk`);
and the out-of-scope-at-scale questions of bench/generated.py.

Two ways to ask: `Webhook` (the real servers through the REST webhook, what `make bench`
reports) and `InProcess` (the model's NLU in process, Rasa's rules as a table, the real
action classes on a real rasa_sdk Tracker: seconds per set, for iterating).

    python -m bench.scope --url http://localhost:5005/webhooks/rest/webhook   # a running bot
    python -m bench.scope --in-process [--model models/x.tar.gz] [--errors SET]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

from bench.sections import NOT_FOUND, SectionJudge
from medinfo.safety import URGENT

HERE = Path(__file__).resolve().parent
HELDOUT = HERE / "heldout"
ANSWERABLE = ("what_is", "causes", "risk_factors", "symptoms", "diagnosis", "treatment",
              "recurrence", "timing")  # fmt: skip
LABELS = (*ANSWERABLE, NOT_FOUND, "urgent", "smalltalk")


def load_questions(path: Path) -> List[Tuple[str, str]]:
    """(text, label) pairs of an answers or near-misses file; an unknown label is an error."""
    rows = [(q["text"], q["section"]) for q in yaml.safe_load(path.read_text("utf-8"))["questions"]]
    for text, label in rows:
        if label not in LABELS:
            raise ValueError(f"{path.name}: {text!r} has the unknown label {label!r}")
    return rows


def load_conversations(path: Path) -> List[List[Tuple[str, str]]]:
    """Each conversation's (text, label) turns; a turn that echoes a training line is sent
    but not scored (label None)."""
    data = yaml.safe_load(path.read_text("utf-8"))["conversations"]
    conversations = [
        [(t["text"], t["expect"] if t.get("scored", True) else None) for t in c["turns"]]
        for c in data
    ]
    for turns in conversations:
        for text, label in turns:
            if label is not None and label not in LABELS:
                raise ValueError(f"{path.name}: {text!r} has the unknown label {label!r}")
    return conversations


def right(judge: SectionJudge, text: str, label: str) -> bool:
    """Is the bot's reply text right for the label? Answerable: at least half the article
    passages quoted come from the label's section. not_found and smalltalk: no article text.
    urgent: the urgent advice."""
    if label == "urgent":
        return URGENT in text
    if label in (NOT_FOUND, "smalltalk"):
        return not judge.found(text)
    return judge.correct(text, judge.canonical(label))


Ask = Callable[[str, str], str]  # (conversation id, message) -> the bot's reply text


def score_questions(judge: SectionJudge, ask: Ask, rows: List[Tuple[str, str]]) -> Dict:
    """Aggregates of a single-question set, each question in a conversation of its own."""
    results = []
    for text, label in rows:
        reply = ask(f"scope-{uuid.uuid4().hex[:10]}", text)
        results.append((text, label, reply, right(judge, reply, label)))
    answerable = [r for r in results if r[1] in ANSWERABLE]
    refusable = [r for r in results if r[1] == NOT_FOUND]
    urgent = [r for r in results if r[1] == "urgent"]
    share = lambda rs, f: sum(map(f, rs)) / len(rs) if rs else None  # noqa: E731
    return {
        "questions": len(results),
        "answerable": len(answerable),
        "right_section": share(answerable, lambda r: r[3]),
        "in_scope_not_found": share(answerable, lambda r: not judge.found(r[2])),
        "refusable": len(refusable),
        "out_of_scope_recall": share(refusable, lambda r: r[3]),
        "urgent": len(urgent),
        "urgent_advised": share(urgent, lambda r: r[3]),
        "urgent_advice_unasked": sum(URGENT in r[2] for r in results if r[1] != "urgent"),
        "errors": [
            (t, lab, judge.answered_from(rep), URGENT in rep)
            for t, lab, rep, ok in results
            if not ok
        ],
    }


def score_conversations(judge: SectionJudge, ask: Ask, conversations) -> Dict:
    rows = []
    for turns in (c for c in conversations if any(lab for _, lab in c)):
        sender = f"scope-conv-{uuid.uuid4().hex[:10]}"
        replies = [(t, lab, ask(sender, t)) for t, lab in turns]
        rows.append([(t, lab, right(judge, reply, lab), judge.answered_from(reply))
                     for t, lab, reply in replies if lab is not None])  # fmt: skip
    turns = [t for c in rows for t in c]
    return {
        "conversations": len(rows),
        "all_turns_right": sum(all(t[2] for t in c) for c in rows) / len(rows),
        "turns": len(turns),
        "turns_right": sum(t[2] for t in turns) / len(turns),
        "errors": [c for c in rows if not all(t[2] for t in c)],
    }


def score_generated(judge: SectionJudge, ask: Ask) -> Dict:
    from bench.generated import questions

    rows = questions()
    answered = []
    for text, kind in rows:
        if judge.found(ask(f"scope-gen-{uuid.uuid4().hex[:10]}", text)):
            answered.append((text, kind))
    return {"questions": len(rows), "answered": len(answered) / len(rows), "errors": answered}


def run_all(judge: SectionJudge, ask: Ask, folder: Path = HELDOUT, generated: bool = True) -> Dict:
    """Every set of `folder`, by file name, plus the generated set."""
    result: Dict[str, Dict] = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name.startswith("conversations"):
            result[path.stem] = score_conversations(judge, ask, load_conversations(path))
        else:
            result[path.stem] = score_questions(judge, ask, load_questions(path))
    if generated:
        result["generated_out_of_scope"] = score_generated(judge, ask)
    answer_sets = [v for k, v in result.items() if "answerable" in v and "near_miss" not in k]
    if answer_sets:
        result["answers_all"] = pooled(answer_sets)
    return result


def pooled(sets: List[Dict]) -> Dict:
    """The answer sets' figures over all their questions."""

    def weighted(key: str, count: str) -> float:
        total = sum(s[count] for s in sets)
        return sum((s[key] or 0) * s[count] for s in sets) / total if total else 0.0

    return {
        "questions": sum(s["questions"] for s in sets),
        "answerable": sum(s["answerable"] for s in sets),
        "right_section": weighted("right_section", "answerable"),
        "in_scope_not_found": weighted("in_scope_not_found", "answerable"),
        "refusable": sum(s["refusable"] for s in sets),
        "out_of_scope_recall": weighted("out_of_scope_recall", "refusable"),
        "urgent": sum(s["urgent"] for s in sets),
        "urgent_advised": weighted("urgent_advised", "urgent"),
        "urgent_advice_unasked": sum(s["urgent_advice_unasked"] for s in sets),
    }


def aggregates(result: Dict) -> Dict:
    """The figures without the error lists (what a held-out set may show before it is spent)."""
    return {k: {m: v for m, v in r.items() if m != "errors"} for k, r in result.items()}


class Webhook:
    """Ask the real servers through the REST webhook."""

    def __init__(self, url: str) -> None:
        import requests

        self.session = requests.Session()
        self.url = url

    def __call__(self, sender: str, text: str) -> str:
        response = self.session.post(self.url, json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return "\n".join(r.get("text", "") for r in response.json())


class InProcess:
    """The model's NLU in process, the rules of data/rules as a table, and the real actions
    on a rasa_sdk Tracker that keeps the slots between turns."""

    RESPONSES = {"utter_goodbye", "utter_thanks", "utter_iamabot"}

    def __init__(self, model: Path) -> None:
        from rasa_sdk.executor import CollectingDispatcher
        from rasa_sdk.interfaces import Tracker

        from actions import knowledge_actions
        from bench.nlu import nlu_agent

        self.agent = nlu_agent(model)
        self.Tracker, self.Dispatcher = Tracker, CollectingDispatcher
        self.actions = {
            a().name(): a()
            for a in (
                knowledge_actions.ActionAnswerQuestion,
                knowledge_actions.ActionNotFound,
                knowledge_actions.ActionHelp,
            )  # fmt: skip
        }
        self.route = rule_table()
        self.slots: Dict[str, Dict] = {}

    def __call__(self, sender: str, text: str) -> str:
        parsed = asyncio.run(self.agent.parse_message(text))
        slots = self.slots.setdefault(sender, {})
        for entity in parsed.get("entities", []):  # the domain's from_entity mappings
            if entity["entity"] == "condition":
                slots["condition"] = entity["value"]
        action = self.route.get(parsed["intent"]["name"], "action_not_found")
        if action in self.RESPONSES:
            return action
        tracker = self.Tracker(sender, dict(slots), parsed, [], False, None, {}, None)
        dispatcher = self.Dispatcher()
        events = asyncio.run(self.actions[action].run(dispatcher, tracker, {}))
        for event in events:
            if event.get("event") == "slot":
                slots[event["name"]] = event["value"]
        return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def rule_table(folder: Path = HERE.parent / "data" / "rules") -> Dict[str, str]:
    """{intent: action} of the project's one-step rules."""
    table = {}
    for path in folder.glob("*.yml"):
        for rule in yaml.safe_load(path.read_text("utf-8")).get("rules", []):
            first, action = rule["steps"][0], rule["steps"][-1]["action"]
            intents = [o["intent"] for o in first.get("or", [])] or [first.get("intent")]
            table.update({i: action for i in intents if i})
    return table


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scope", description=__doc__)
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--url", help="the REST webhook of a running bot")
    how.add_argument("--in-process", action="store_true")
    parser.add_argument("--model", help="for --in-process (default: the newest in models/)")
    parser.add_argument("--folder", default=str(HELDOUT))
    parser.add_argument("--no-generated", action="store_true")
    parser.add_argument("--errors", action="store_true", help="print the errors too")
    parser.add_argument("--out", help="write the full result (errors too) as JSON here")
    args = parser.parse_args(argv)
    from medinfo.store import KnowledgeStore

    judge = SectionJudge(KnowledgeStore.load())
    if args.url:
        ask: Ask = Webhook(args.url)
    else:
        sys.path.insert(0, str(HERE.parent / "tests"))
        from rasa_cli import latest_model

        ask = InProcess(Path(args.model) if args.model else latest_model())
    result = run_all(judge, ask, Path(args.folder), not args.no_generated)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1, default=str), "utf-8")
    print(json.dumps(result if args.errors else aggregates(result), indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
