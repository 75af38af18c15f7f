"""Start only the channels whose secrets are set.

credentials.yml names every channel the bot can serve, each secret as `${VARIABLE}`. Rasa
refuses to start if any variable is unset, yet a developer has no Slack token and a clinic
may use only the web widget. So `make run` passes Rasa an effective credentials file: the
entries whose variables are all set, copied as written (the `${...}` are left for Rasa to
expand, so no secret is written to disk), and says which channels are live.

    python -m connectors.live_channels credentials.yml OUT.yml
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Tuple

import yaml

VARIABLE = re.compile(r"\$\{([^}]*)\}")
TOP_LEVEL_KEY = re.compile(r"^([^\s#][^:]*):")


@dataclass
class Channel:
    key: str  # as in credentials.yml: `rest` or a class path
    text: str  # its lines in credentials.yml, comments before it included
    variables: List[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """`connectors.messaging.SlackInput` -> `slack`, as in the webhook URL."""
        short = self.key.rsplit(".", 1)[-1]
        return re.sub(r"Input$", "", short).lower()


def _strings(value: object) -> List[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def parse(text: str) -> List[Channel]:
    """The channels of a credentials file, in order, with the variables each needs."""
    # BaseLoader: every scalar stays a string, and Rasa's `${VAR}` resolver is not applied.
    # The entries are copied as text rather than dumped by a round-trip YAML library: Rasa
    # registers its `${VAR}` resolver on ruamel globally, and a ruamel dump then quotes the
    # placeholders, which Rasa no longer expands (tried; tests/test_channel_config.py).
    entries = yaml.load(text, Loader=yaml.BaseLoader) or {}
    channels: List[Channel] = []
    pending: List[str] = []  # comment lines waiting for the entry they describe
    for line in text.splitlines(keepends=True):
        match = TOP_LEVEL_KEY.match(line)
        if match:
            key = match.group(1).strip()
            variables = sorted({v for s in _strings(entries.get(key)) for v in VARIABLE.findall(s)})
            channels.append(Channel(key, "".join(pending) + line, variables))
            pending = []
        elif channels and line[:1] in (" ", "\t"):
            channels[-1].text += line
        else:
            pending.append(line)
    return channels


def select(
    channels: List[Channel], environ: Mapping[str, str]
) -> Tuple[List[Channel], Dict[str, List[str]]]:
    """(channels to start, {channel name: its unset variables} for the others)."""
    live, idle = [], {}
    for channel in channels:
        unset = [v for v in channel.variables if not environ.get(v)]
        if unset:
            idle[channel.name] = unset
        else:
            live.append(channel)
    return live, idle


def report(live: List[Channel], idle: Dict[str, List[str]]) -> str:
    lines = ["Live channels: " + (", ".join(c.name for c in live) or "none")]
    for name, unset in idle.items():
        lines.append(f"Not started: {name} (set {', '.join(unset)})")
    return "\n".join(lines)


def main(argv: List[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = argv
    with open(source, encoding="utf-8") as f:
        live, idle = select(parse(f.read()), os.environ)
    with open(target, "w", encoding="utf-8") as f:
        f.write("".join(c.text for c in live))
    print(report(live, idle))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
