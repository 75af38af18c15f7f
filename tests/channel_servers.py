"""One bot with every channel live, for the channel tests: the action server, Rasa with the
project's credentials.yml (every secret set, each platform's API pointed at a local
stand-in) and the demo page, all started by scripts/serve.sh as `make run` starts them."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator

from platform_standin import TELEGRAM_BOT_NAME, StandIn
from servers import port, serve_bot, wait_until_up

RASA_PORT, ACTIONS_PORT, WEB_PORT, STANDIN_PORT = port(100), port(101), port(102), port(103)
RASA_URL = f"http://localhost:{RASA_PORT}"
WEB_URL = f"http://localhost:{WEB_PORT}"


def webhook(channel: str) -> str:
    return f"{RASA_URL}/webhooks/{channel}/webhook"


SECRETS: Dict[str, str] = {
    "TELEGRAM_TOKEN": "123456789:AAtestTOKENtestTOKENtestTOKENtest12",
    "TELEGRAM_BOT_NAME": TELEGRAM_BOT_NAME,
    "TELEGRAM_WEBHOOK_URL": webhook("telegram"),
    "TELEGRAM_SECRET_TOKEN": "telegram-secret-token-for-tests",
    "SLACK_TOKEN": "xoxb-test-token",
    "SLACK_SIGNING_SECRET": "slack-signing-secret-for-tests",
    "FACEBOOK_VERIFY": "facebook-verify-for-tests",
    "FACEBOOK_SECRET": "facebook-app-secret-for-tests",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "facebook-page-token-for-tests",
    "TWILIO_ACCOUNT_SID": "AC" + "0123456789abcdef" * 2,
    "TWILIO_AUTH_TOKEN": "twilio-auth-token-for-tests",
    "TWILIO_NUMBER": "+15005550006",
    "TWILIO_WEBHOOK_URL": webhook("twilio"),
    "SOCKETIO_SESSION_SECRET": "socketio-session-secret-for-tests",
}


@dataclass
class ChannelBot:
    standin: StandIn
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text()[-4000:]


@contextmanager
def serve_with_channels(workdir: Path) -> Iterator[ChannelBot]:
    with StandIn(STANDIN_PORT) as standin:
        env = {**SECRETS, **standin.environment(), "WEB_PORT": str(WEB_PORT)}
        with serve_bot(workdir, RASA_PORT, ACTIONS_PORT, env=env) as process:
            wait_until_up(process, WEB_URL, timeout=30)
            yield ChannelBot(standin, workdir / "serve.log")
