"""Rasa's Telegram, Slack, Facebook Messenger and Twilio connectors, changed only where the
product needs it:

- every request is authenticated, and a forged one gets 403 before Rasa sees it: Telegram's
  secret-token header and Twilio's request signature (Rasa checks neither), Messenger's
  X-Hub-Signature-256 (Rasa checks only the SHA-1 one, and answers a forgery 200);
  Slack's own v0 signature check is Rasa's and is kept;
- each platform's API base URL can be set (TELEGRAM_API_URL, SLACK_API_URL,
  FACEBOOK_GRAPH_URL, TWILIO_API_URL), so tests capture the replies on a local stand-in;
- the answers' topic buttons become the platform's own quick replies: Rasa drops them
  above 5 (Slack) or 3 (Messenger), and sends them to Telegram in one unreadable row;
- SMS has no buttons: a yes/no question (feedback, erasure) says "Reply 1 for Yes, 2 for No"
  and a reply of 1 or 2 is taken as that button.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple
from urllib.parse import urlsplit, urlunsplit

from aiogram.bot.api import TelegramAPIServer
from fbmessenger import MessengerClient
from fbmessenger.elements import Text as FBText
from rasa.core.channels import facebook, slack, telegram, twilio
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient
from twilio.request_validator import RequestValidator

SLACK_MAX_BUTTONS = 25  # elements in one Slack "actions" block
MESSENGER_MAX_QUICK_REPLIES = 13
SMS_DIGITS = {"1": "/affirm", "2": "/deny"}  # the yes/no buttons' payloads (operations/)


def _forbidden(what: str) -> HTTPResponse:
    return response.text(f"Forbidden: {what}", status=403)


class SignedWebhook:
    """For Rasa connectors that check no signature: a POST to /webhook that fails
    `is_authentic` gets 403 before Rasa handles it. The check needs one more credential than
    Rasa's connector takes, named `extra`; `arguments` are the ones Rasa's takes, in order."""

    arguments: Tuple[str, ...]
    extra: str

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials or not credentials.get(cls.extra):
            cls.raise_missing_credentials_exception()
        # debug_mode off: a failing message is logged, not answered with a 500
        channel = cls(*(credentials.get(key) for key in cls.arguments), debug_mode=False)
        setattr(channel, cls.extra, str(credentials[cls.extra]))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def authenticate(request: Request) -> Optional[HTTPResponse]:
            if request.method == "POST" and request.path.endswith("/webhook"):
                if not self.is_authentic(request):
                    return _forbidden("the request is not signed by the platform")
            return None

        return blueprint

    def is_authentic(self, request: Request) -> bool:
        raise NotImplementedError


# Telegram --------------------------------------------------------------------------------


class TelegramOutput(telegram.TelegramOutput):
    def __init__(self, access_token: Optional[Text]) -> None:
        super().__init__(access_token)
        base = os.environ.get("TELEGRAM_API_URL")
        if base:
            self.server = TelegramAPIServer.from_base(base)

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        button_type: Optional[Text] = "vertical",  # one button a row; Rasa's default is one row
        **kwargs: Any,
    ) -> None:
        await super().send_text_with_buttons(recipient_id, text, buttons, button_type, **kwargs)


class TelegramInput(SignedWebhook, telegram.TelegramInput):
    """Also needs `secret_token`: Telegram sends it in X-Telegram-Bot-Api-Secret-Token."""

    arguments = ("access_token", "verify", "webhook_url")
    extra = "secret_token"

    def is_authentic(self, request: Request) -> bool:
        token = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return hmac.compare_digest(token.encode(), self.secret_token.encode())

    def get_output_channel(self) -> TelegramOutput:
        """Like Rasa's, with our output, and registering the webhook with its secret token
        (aiogram 2's set_webhook predates the secret_token parameter)."""
        channel = TelegramOutput(self.access_token)

        async def register() -> None:
            try:
                await channel.request(
                    "setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token}
                )
            finally:
                await channel.close()  # its HTTP session belongs to this short-lived loop

        try:
            asyncio.run(register())
        except Exception as error:
            raise RasaException(f"Failed to set the Telegram webhook: {error}") from error
        return channel


# Slack -----------------------------------------------------------------------------------


class SlackBot(slack.SlackBot):
    def __init__(self, token: Text, *args: Any, **kwargs: Any) -> None:
        super().__init__(token, *args, **kwargs)
        base = os.environ.get("SLACK_API_URL")
        if base:
            self.client = AsyncWebClient(token, proxy=self.proxy, base_url=base.rstrip("/") + "/")

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        buttons = buttons[:SLACK_MAX_BUTTONS]
        recipient = self.slack_channel or recipient_id
        await self._post_message(
            channel=recipient,
            as_user=True,
            text=text,
            blocks=[
                {"type": "section", "text": {"type": "plain_text", "text": text}},
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": b["title"]},
                            "value": b["payload"],
                        }
                        for b in buttons
                    ],
                },
            ],
        )


class SlackInput(slack.SlackInput):
    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> SlackBot:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)


# Facebook Messenger ----------------------------------------------------------------------


def _messenger_client(page_access_token: Text) -> MessengerClient:
    client = MessengerClient(page_access_token)
    base = os.environ.get("FACEBOOK_GRAPH_URL")
    if base:
        client.graph_url = base.rstrip("/")
    return client


class MessengerBot(facebook.MessengerBot):
    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """As Messenger quick replies (up to 13), not Rasa's 3-button template."""
        quick_replies = facebook.MessengerBot._convert_to_quick_reply(
            [{**b, "content_type": "text"} for b in buttons[:MESSENGER_MAX_QUICK_REPLIES]]
        )
        self.send(recipient_id, FBText(text=text, quick_replies=quick_replies))


class Messenger(facebook.Messenger):
    def __init__(self, page_access_token: Text, on_new_message: Callable) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = _messenger_client(page_access_token)

    async def _handle_user_message(
        self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]
    ) -> None:
        # Rasa's, with our MessengerBot.
        out_channel = MessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(
                    text, out_channel, sender_id, input_channel=self.name(), metadata=metadata
                )
            )
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class FacebookInput(facebook.FacebookInput):
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("fb_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge"))
            return _forbidden("wrong verify token")

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_authentic(request):
                return _forbidden("the request is not signed with the app secret")
            messenger = Messenger(self.fb_access_token, on_new_message)
            await messenger.handle(request.json, self.get_metadata(request))
            return response.text("success")

        return blueprint

    def is_authentic(self, request: Request) -> bool:
        """Meta signs the body with the app secret: X-Hub-Signature-256 is sha256=<hex>."""
        header = request.headers.get("X-Hub-Signature-256", "")
        expected = hmac.new(self.fb_secret.encode(), request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(header, f"sha256={expected}")

    def get_output_channel(self) -> MessengerBot:
        return MessengerBot(_messenger_client(self.fb_access_token))


# Twilio ----------------------------------------------------------------------------------


class TwilioOutput(twilio.TwilioOutput):
    def get_hostname(self, uri: str) -> str:
        base = os.environ.get("TWILIO_API_URL")
        if not base:
            return super().get_hostname(uri)
        scheme, netloc, *_ = urlsplit(base)
        return urlunsplit((scheme, netloc, *urlsplit(uri)[2:]))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """SMS has no buttons: the text alone (Rasa would send each payload as an SMS), or
        for a yes/no question, which digit to reply."""
        digits = {payload: digit for digit, payload in SMS_DIGITS.items()}
        if buttons and all(b.get("payload") in digits for b in buttons):
            choices = ", ".join(f"{digits[b['payload']]} for {b['title']}" for b in buttons)
            text = f"{text}\nReply {choices}."
        await self.send_text_message(recipient_id, text, **kwargs)


class TwilioInput(SignedWebhook, twilio.TwilioInput):
    """Also needs `webhook_url`: the public URL Twilio posts to, which it signs."""

    arguments = ("account_sid", "auth_token", "twilio_number")
    extra = "webhook_url"

    def is_authentic(self, request: Request) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        return RequestValidator(self.auth_token).validate(self.webhook_url, request.form, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def digits_as_buttons(message: UserMessage) -> Any:
            reply = (message.text or "").strip().rstrip(".")
            if reply in SMS_DIGITS:
                message.text = SMS_DIGITS[reply]
            return await on_new_message(message)

        return super().blueprint(digits_as_buttons)

    def get_output_channel(self) -> TwilioOutput:
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number)
