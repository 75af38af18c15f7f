"""Soak the production profile: two Rasa server replicas on PostgreSQL and Redis, one action
server, many conversations at once whose turns alternate between the replicas. Not a test:
it prints figures (lost turns, duplicated events, errors, latency) for the README.

    .venv/bin/python scripts/soak.py [--turns 5000] [--conversations 50] [--port-base 24400]

It uses the machine's PostgreSQL and Redis (127.0.0.1) like the tests, in a database and key
prefix of its own that it removes afterwards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from production import production  # noqa: E402  (the tests' set-up of the same profile)

APOLOGY = "Sorry, I cannot look up the article right now"  # serving/action_fallback.py

# What a conversation says, over and over, and what each reply must contain.
SCRIPT = [
    ("what is a weak cervix", "painless opening of the cervix"),
    ("what causes it?", "not well understood"),
    ("and the treatment?", "cerclage"),
    ("symptoms?", "vaginal bleeding or spotting"),
    ("will it happen again next time", "less than 30%"),
    ("who is at risk?", "Cervical Insufficiency: risk factors."),
    ("how is it diagnosed?", "Cervical Insufficiency: diagnosis."),
    ("what are the symptoms of diabetes?", "Not Found"),
    ("hello", "cervical insufficiency"),
    ("thanks", "You're welcome"),
]


def converse(setup, sender: str, turns: int, offset: int) -> dict:
    latencies, errors, sent = [], Counter(), []
    for turn in range(turns):
        message, expected = SCRIPT[turn % len(SCRIPT)]
        url = setup.rasa_urls[(turn + offset) % 2] + "/webhooks/rest/webhook"
        started = time.monotonic()
        try:
            response = requests.post(
                url,
                json={"sender": sender, "message": message},
                headers=setup.rest_headers,
                timeout=60,
            )
        except requests.RequestException as error:
            errors[type(error).__name__] += 1
            continue
        latencies.append(time.monotonic() - started)
        sent.append(message)
        if response.status_code != 200:
            errors[f"HTTP {response.status_code}"] += 1
        elif not response.json():
            errors["no reply"] += 1
        else:
            said = "\n".join(r.get("text", "") for r in response.json())
            if said.startswith(APOLOGY):
                errors["apology: action server over ACTION_TIMEOUT"] += 1
            elif expected not in said:
                errors["wrong reply"] += 1
    return {"sender": sender, "latencies": latencies, "errors": errors, "sent": sent}


def check_store(setup, results) -> dict:
    lost = duplicated = out_of_order = 0
    with setup.connect() as connection, connection.cursor() as cursor:
        for result in results:
            cursor.execute(
                "SELECT type_name, timestamp, data FROM events WHERE sender_id = %s ORDER BY id",
                (result["sender"],),
            )
            rows = cursor.fetchall()
            said = [json.loads(data)["text"] for kind, _, data in rows if kind == "user"]
            lost += max(0, len(result["sent"]) - len(said))
            duplicated += len(rows) - len(set(rows))
            duplicated += max(0, len(said) - len(result["sent"]))
            out_of_order += int(said != result["sent"])
            stamps = [stamp for _, stamp, _ in rows]
            out_of_order += int(stamps != sorted(stamps))
    return {"lost": lost, "duplicated": duplicated, "out_of_order": out_of_order}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--port-base", type=int, default=24400)
    args = parser.parse_args()
    per_conversation = args.turns // args.conversations
    base = args.port_base
    with tempfile.TemporaryDirectory() as workdir:
        with production(Path(workdir), base, [base + 1, base + 2]) as setup:
            print(
                f"{args.conversations} conversations x {per_conversation} turns, 2 replicas",
                flush=True,
            )
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=args.conversations) as pool:
                results = list(
                    pool.map(
                        lambda n: converse(setup, f"soak-{n}", per_conversation, n),
                        range(args.conversations),
                    )
                )
            elapsed = time.monotonic() - started
            store = check_store(setup, results)
    latencies = sorted(t for r in results for t in r["latencies"])
    errors = sum((r["errors"] for r in results), Counter())
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    print(
        f"turns sent:          {len(latencies)} of {args.turns} in {elapsed:.0f} s "
        f"({len(latencies) / elapsed:.1f} turns/s)"
    )
    print(f"lost turns:          {store['lost']}")
    print(f"duplicated events:   {store['duplicated']}")
    print(f"out-of-order convs:  {store['out_of_order']}")
    print(f"errors:              {sum(errors.values())} {dict(errors) or ''}")
    print(
        f"latency p50 / p95 / max: {statistics.median(latencies):.2f} / {p95:.2f} / "
        f"{latencies[-1]:.2f} s"
    )


if __name__ == "__main__":
    main()
