"""How long `make report` takes on a big store: generate a SQLite tracker store of N turns
(default 100,000) in Rasa's own row format, then time `python -m operations report` on it,
as `make report` runs it (a new process: start-up, reading, grouping, writing the page).

    python -m bench.report_store [--turns 100000] [--keep DIR] [--postgresql]

The questions are built from templates of our own and public condition names (facts); the
events are serialised by Rasa's event classes, as its SQLTrackerStore writes them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from medinfo.answers import TOPICS
from operations.dialogue import FEEDBACK_BUTTONS, FEEDBACK_QUESTION, FEEDBACK_SLOT, SECTION_SLOT

PROJECT = Path(__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}  # as tests/production.py
CONDITIONS = ["diabetes", "preeclampsia", "anaemia", "placenta previa", "gestational diabetes",
              "hyperemesis gravidarum", "group b strep", "toxoplasmosis", "listeria", "eczema",
              "thyroid disease", "epilepsy", "asthma", "migraine", "chickenpox"]  # fmt: skip
TEMPLATES = ["what are the symptoms of {c}", "symptoms of {c}?", "is {c} dangerous in pregnancy",
             "how is {c} treated", "what causes {c}", "can {c} harm my baby", "{c} symptoms",
             "what is {c}", "does {c} come back", "can i take paracetamol with {c}"]  # fmt: skip
TYPOS = {"diabetes": "diabetis", "preeclampsia": "preclampsia", "symptoms": "symtoms"}
COMMENTS = ["it did not say how long bed rest lasts", "i wanted to know about exercise",
            "too long", "nothing about the stitch removal"]  # fmt: skip
SECTIONS = [f"cervical insufficiency: {phrase}" for _, _, _, phrase in TOPICS]
ANSWER = "Cervical insufficiency: causes. From the article:\n" + "x" * 400  # an answer's size
INSERT = (
    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


OPENINGS = ["", "", "", "hi, ", "hello ", "quick question: ", "sorry to bother you, ",
            "im {n} weeks, ", "I'm {n} weeks pregnant and ", "at {n} weeks "]  # fmt: skip


def question(rng: random.Random) -> str:
    """Most wordings differ (openings, weeks): grouping is not helped by exact repeats."""
    opening = rng.choice(OPENINGS).format(n=rng.randint(4, 41))
    text = opening + rng.choice(TEMPLATES).format(c=rng.choice(CONDITIONS))
    if rng.random() < 0.1:
        for right, wrong in TYPOS.items():
            text = text.replace(right, wrong)
    return text


def row(sender: str, event) -> tuple:
    data = event.as_dict()
    intent = data.get("parse_data", {}).get("intent", {}).get("name")
    return (sender, event.type_name, data.get("timestamp"), intent, data.get("name"),
            json.dumps(data))  # fmt: skip


def user(text: str, intent: str, t: float) -> UserUttered:
    ranking = [{"name": intent, "confidence": 0.9}] + [
        {"name": name, "confidence": 0.01} for _, name, _, _ in TOPICS[:9]
    ]
    parse = {"intent": ranking[0], "entities": [], "text": text, "intent_ranking": ranking}
    return UserUttered(text, ranking[0], [], parse, timestamp=t, input_channel="rest")


def generate(path: Path, turns: int, seed: int = 16) -> None:
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
        "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
        "action_name VARCHAR(255), data TEXT)"
    )
    connection.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
    buttons = [{"title": title, "payload": f"/{intent}"} for _, intent, title, _ in TOPICS]
    now, done, batch = time.time(), 0, []
    while done < turns:
        sender = f"gen-{rng.getrandbits(48):012x}"
        t = now - rng.uniform(0, 30 * 86400)
        events = [ActionExecuted("action_session_start", timestamp=t), SessionStarted(timestamp=t),
                  ActionExecuted("action_listen", timestamp=t)]  # fmt: skip
        for _ in range(min(rng.randint(2, 9), turns - done)):
            t += rng.uniform(5, 120)
            kind = rng.random()
            if kind < 0.6:
                section = rng.choice(SECTIONS)
                events += [user("what causes it?", "ask_causes", t),
                           ActionExecuted("action_answer_question", timestamp=t),
                           BotUttered(ANSWER, timestamp=t),
                           BotUttered("Source: ...", {"buttons": buttons}, timestamp=t),
                           BotUttered(FEEDBACK_QUESTION, {"buttons": FEEDBACK_BUTTONS},
                                      timestamp=t),
                           SlotSet(SECTION_SLOT, section, timestamp=t)]  # fmt: skip
                if rng.random() < 0.15:
                    helpful = rng.random() < 0.7
                    events += [ActionExecuted("action_listen", timestamp=t),
                               user("/affirm" if helpful else "/deny", "affirm", t + 3),
                               ActionExecuted("action_reply_yes_no", timestamp=t + 3),
                               BotUttered("Thank you for telling us.", timestamp=t + 3),
                               SlotSet(FEEDBACK_SLOT, {"section": section, "helpful": helpful},
                                       timestamp=t + 3)]  # fmt: skip
                    done += 1
                    if not helpful and rng.random() < 0.5:
                        events += [ActionExecuted("action_listen", timestamp=t + 3),
                                   user(rng.choice(COMMENTS), "out_of_scope", t + 9)]  # fmt: skip
                        done += 1
            elif kind < 0.9:
                events += [user(question(rng), "out_of_scope", t),
                           ActionExecuted("action_not_found", timestamp=t),
                           BotUttered("Not Found: the article I answer from says nothing about "
                                      "that. I can answer ...", {"buttons": buttons},
                                      timestamp=t)]  # fmt: skip
            else:
                events += [user("hello", "greet", t), ActionExecuted("action_help", timestamp=t),
                           BotUttered("I can answer ...", {"buttons": buttons},
                                      timestamp=t)]  # fmt: skip
            events.append(ActionExecuted("action_listen", timestamp=t))
            done += 1
        batch += [row(sender, e) for e in events]
        if len(batch) > 50_000:
            connection.executemany(INSERT, batch)
            batch = []
    connection.executemany(INSERT, batch)
    connection.commit()
    connection.close()


def time_report(endpoints: Path, html: Path) -> float:
    """Seconds `python -m operations report` takes on the store of `endpoints`."""
    env = {**os.environ, "ENDPOINTS": str(endpoints), "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "operations", "report", "--html", str(html)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    print(done.stdout[-1500:])
    return took


def copy_to_postgresql(database: Path, name: str) -> None:
    """The generated rows into a new PostgreSQL database (the local one, as the tests use)."""
    import psycopg2

    admin = psycopg2.connect(dbname="postgres", **PG)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    source = sqlite3.connect(database)
    with psycopg2.connect(dbname=name, **PG) as target, target.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"
        )
        cursor.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
        rows = source.execute(f"SELECT {INSERT.split('(')[1].split(')')[0]} FROM events")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(rows)
        buffer.seek(0)
        cursor.copy_expert(
            "COPY events (sender_id, type_name, timestamp, intent_name, action_name, data) "
            "FROM STDIN WITH (FORMAT csv)",
            buffer,
        )


def drop_postgresql(name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(dbname="postgres", **PG)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_store", description=__doc__)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--keep", help="a folder to keep the store and the page in")
    parser.add_argument("--postgresql", action="store_true", help="also on the local PostgreSQL")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="report-store-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "conversations.db"
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    generate(database, args.turns)
    print(f"Generated {args.turns} turns in {time.perf_counter() - started:.0f} s: {database}")
    connection = sqlite3.connect(database)
    rows = connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    wordings = connection.execute(
        "SELECT COUNT(DISTINCT json_extract(data, '$.text')) FROM events WHERE type_name = 'user'"
    ).fetchone()[0]
    connection.close()
    store = f"{args.turns} turns ({rows} rows, {wordings} different messages)"

    endpoints = folder / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n")
    took = time_report(endpoints, folder / "report.html")
    print(f"make report on {store}, SQLite: {took:.1f} s (whole process)")
    if args.postgresql:
        name = f"report_store_{os.getpid()}"
        try:
            copy_to_postgresql(database, name)
            endpoints = folder / "endpoints.postgresql.yml"
            endpoints.write_text(
                "tracker_store:\n  type: SQL\n  dialect: postgresql\n"
                f"  url: {PG['host']}\n  port: {PG['port']}\n  db: {name}\n"
                f"  username: {PG['user']}\n  password: ''\n"
            )
            took = time_report(endpoints, folder / "report.postgresql.html")
            print(f"make report on {store}, PostgreSQL: {took:.1f} s (whole process)")
        finally:
            drop_postgresql(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
