"""The web widget's socket.io channel (connectors/socketio.py) on the running bot, spoken to
by a real socket.io client: replies arrive with session persistence on, session ids cannot be
forged, and only the widget's origin may open a socket."""

import asyncio
from typing import List

import pytest
import requests
import socketio

from channel_servers import RASA_URL, WEB_URL

pytestmark = pytest.mark.slow  # the bot with every channel live

CAUSES_ANSWER = "not well understood"


class Widget:
    """A socket.io client that behaves like the web widget. Long-polling: the locked
    aiohttp 3.9 lacks what python-engineio's websocket client needs (the browser test
    covers websockets)."""

    def __init__(self, origin: str = WEB_URL):
        self.origin = origin
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: List[dict] = []
        self.session_id = None
        self._confirmed = asyncio.Event()
        self.client.on("bot_uttered", self.replies.append)
        self.client.on("session_confirm", self._on_confirm)

    async def _on_confirm(self, session_id):
        self.session_id = session_id
        self._confirmed.set()

    async def open(self, claim=None) -> str:
        await self.client.connect(
            RASA_URL, headers={"Origin": self.origin}, transports=["polling"], wait_timeout=30
        )
        await self.client.emit("session_request", {"session_id": claim})
        await asyncio.wait_for(self._confirmed.wait(), 30)
        return self.session_id

    async def say(self, text: str, session_id=None) -> None:
        payload = {"message": text, "session_id": session_id or self.session_id}
        await self.client.emit("user_uttered", payload)

    async def wait_for(self, words: str, since: int = 0, timeout: float = 60) -> str:
        """The replies from number `since` on, once they contain `words`."""

        async def seen():
            while words not in self.text(since):
                await asyncio.sleep(0.2)

        await asyncio.wait_for(seen(), timeout)
        return self.text(since)

    def text(self, since: int = 0) -> str:
        return "\n".join(r.get("text", "") for r in self.replies[since:])

    async def close(self) -> None:
        # abort: no waiting out the pending long-poll (up to 25 s) as a clean close would
        await self.client.eio.disconnect(abort=True)


def test_the_widget_gets_answers_in_a_signed_session_it_can_resume(channel_bot):
    async def scenario():
        widget = Widget()
        session_id = await widget.open()
        random_part, signature = session_id.split(".")
        assert len(random_part) == 32 and len(signature) == 32
        await widget.say("what causes cervical insufficiency?")
        await widget.wait_for(CAUSES_ANSWER)  # Rasa's un-awaited enter_room lost this reply
        assert any(r.get("quick_replies") for r in widget.replies), "topic buttons come along"
        await widget.close()

        # A page reload: the same browser claims its own id and gets it back.
        again = Widget()
        assert await again.open(claim=session_id) == session_id
        await again.say("and the treatment?")  # a follow-up: the conversation was kept
        await again.wait_for("cerclage")
        await again.close()

    asyncio.run(scenario())


def test_a_forged_session_id_gets_a_fresh_session_that_sees_nothing_of_the_other(channel_bot):
    async def scenario():
        # The owner's conversation is about preeclampsia, so there "what causes it?" is
        # Not Found; in a conversation of its own it is the article's causes answer.
        owner = Widget()
        owner_id = await owner.open()
        await owner.say("what are the symptoms of preeclampsia?")
        await owner.wait_for("Not Found")
        seen_by_owner = len(owner.replies)

        random_part, signature = owner_id.split(".")
        forgeries = [random_part, f"{random_part}.{'0' * 32}", f"{random_part}.{signature[::-1]}"]
        for forged in forgeries:
            intruder = Widget()
            intruder_id = await intruder.open(claim=forged)
            assert intruder_id not in (forged, owner_id)
            # Naming the owner's session in its messages does not get it in either.
            await intruder.say("what causes it?", session_id=owner_id)
            await intruder.wait_for(CAUSES_ANSWER)
            assert "Not Found" not in intruder.text(), "it answered in the owner's conversation"
            await intruder.close()
        assert len(owner.replies) == seen_by_owner, "the intruders' answers reached the owner"

        await owner.say("what causes it?")  # the owner's own context is intact
        assert CAUSES_ANSWER not in await owner.wait_for("Not Found", since=seen_by_owner)
        await owner.close()

    asyncio.run(scenario())


def test_only_the_widget_origin_may_open_a_socket(channel_bot):
    handshake = f"{RASA_URL}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(handshake, headers={"Origin": WEB_URL}, timeout=30)
    assert allowed.status_code == 200
    assert allowed.headers.get("Access-Control-Allow-Origin") == WEB_URL

    refused = requests.get(handshake, headers={"Origin": "https://evil.example"}, timeout=30)
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers

    async def websocket_from_elsewhere():
        stranger = Widget(origin="https://evil.example")
        try:
            await stranger.open()
        except socketio.exceptions.ConnectionError:
            return True
        await stranger.close()
        return False

    assert asyncio.run(websocket_from_elsewhere()), "a socket from another origin was accepted"
