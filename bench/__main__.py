"""`python -m bench` (`make bench`): measure NLU quality, end-to-end answers, speed and
resources against the issue's targets; print the report and write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import nlu, report, resources
from bench.serving import PROJECT

STEPS = ("train", "heldout", "cv", "serve", "profile")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--skip", default="", help=f"comma-separated steps to skip: {STEPS}")
    parser.add_argument("--docs", default=str(PROJECT / "docs"), help="where to write")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--model", help="a model file (default: the newest in models/)")
    parser.add_argument(
        "--stores",
        default="sqlite,memory",
        help="tracker stores to serve with, in turn (tests/servers.py STORES); the first is"
        " the one the answers, memory and start-up figures are taken with",
    )
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for the servers (experiments)"
    )
    args = parser.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    docs = Path(args.docs)
    docs.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    sys.path.insert(0, str(PROJECT / "tests"))
    from rasa_cli import latest_model

    model = Path(args.model).resolve() if args.model else latest_model()
    r = {"machine": resources.machine(), "model": model.name, "model_mb": resources.model_mb(model)}
    r["skipped"] = sorted(skip)
    log = lambda what: print(f"[bench {time.monotonic() - started:5.0f} s] {what}", flush=True)  # noqa: E731
    log(f"model {model.name}; load average {r['machine']['load']}")

    def attempt(step: str, run) -> None:
        """Run a step; if it fails, say so in the report and go on with the others: an hour
        of measures is not lost to the last step's time limit."""
        try:
            run()
        except Exception as error:  # noqa: BLE001 (any failure of a step is reported)
            r.setdefault("failed", {})[step] = f"{type(error).__name__}: {error}"[:300]
            log(f"{step} failed: {r['failed'][step]}")

    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        if "heldout" not in skip:
            log("held-out NLU set")
            attempt(
                "heldout", lambda: r.update(heldout=nlu.heldout(model, scratch / "heldout", docs))
            )
        if "serve" not in skip:
            env = dict(e.split("=", 1) for e in args.env)
            r["server_env"] = env
            stores = [s for s in args.stores.split(",") if s]
            attempt("serve", lambda: serve_phase(
                r, model, scratch, log, args.conversations, "profile" not in skip, env, stores
            ))  # fmt: skip
        if "cv" not in skip:
            log("5-fold cross-validation (trains 5 NLU models)")
            attempt("cv", lambda: r.update(cv=nlu.cross_validation(scratch / "cv")))
        if "train" not in skip:
            log("rasa train --force")
            attempt("train", lambda: r.update(training_s=resources.training_seconds()))

    r["load_end"] = os.getloadavg()
    r["bench_s"] = time.monotonic() - started
    text = report.markdown(r)
    (docs / "benchmarks.md").write_text(text, encoding="utf-8")
    (docs / "benchmarks.json").write_text(json.dumps(r, indent=1, default=str), encoding="utf-8")
    print(text)
    log(f"written to {docs / 'benchmarks.md'}")
    return 1 if r.get("failed") else 0


def serve_phase(r, model, scratch: Path, log, conversations: int, profile: bool, env, stores):
    """Everything that needs the servers: first answer, answers, speed, profile, memory. The
    first store's bot starts alone (its start-up is `make run`'s); the others then start
    beside it, and the speed is measured on all of them in alternation, in this one run."""
    from contextlib import ExitStack

    from bench import answers, retriever, scope, speed
    from bench.sections import SectionJudge
    from bench.serving import served
    from medinfo.store import KnowledgeStore

    judge = SectionJudge(KnowledgeStore.load())
    with ExitStack() as running:
        bots = {}
        for offset, store in enumerate(stores):
            log(f"starting the servers (scripts/serve.sh), tracker store: {store}")
            workdir = scratch / f"serve-{store}"
            bots[store] = running.enter_context(served(workdir, model, store, env, offset))
            log(f"first answer after {bots[store]['start_to_first_answer_s']:.1f} s")
            if offset == 0:
                r["start_to_first_answer_s"] = bots[store]["start_to_first_answer_s"]
                log("answer files through the webhook, and the TF-IDF retriever")
                for key, paths in (
                    ("answers", answers.HELDOUT_FILES),
                    ("answers_dev", answers.DEV_FILES),
                ):
                    questions = answers.load(judge, paths)
                    r[key] = answers.run(judge, questions)
                    r[key]["retriever"] = retriever.score(judge, questions)
                log("scope: blind answer sets, near misses, conversations, generated out-of-scope")
                r["scope"] = scope.run_all(judge, scope.Webhook(bots[store]["webhook"]))
        urls = {store: bot["webhook"] for store, bot in bots.items()}
        log(f"speed of {', '.join(stores)}: warm-up, sequence, {conversations} at once")
        figures = speed.run(urls, conversations)
        log("speed: one conversation of 300 turns with each")
        long = speed.run_long(urls)
        r["stores"] = {}
        for store, bot in bots.items():
            peak = bot["watch"].stop()
            r["stores"][store] = {
                "speed": figures[store],
                "long": long[store],
                "memory": {
                    "rasa_peak_mb": peak["rasa"] / 2**20,
                    "actions_peak_mb": peak["actions"] / 2**20,
                },
            }
        if profile:  # in this process, on the first bot's running action server
            from bench import profile as profiler

            log("profile of one turn, and of a long conversation's turns")
            r["profile"] = profiler.run(model)
            r["profile_growth"] = profiler.run_growth(model)
    r["store"] = stores[0]
    r["speed"], r["memory"] = r["stores"][stores[0]]["speed"], r["stores"][stores[0]]["memory"]


if __name__ == "__main__":
    sys.exit(main())
