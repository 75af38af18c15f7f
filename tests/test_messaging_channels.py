"""Telegram, Slack, Facebook Messenger and Twilio end to end: each platform's documented
webhook payload, signed as the platform signs it, posted to the running Rasa server; the
bot's reply captured on the local stand-in for the platform's API. A forged request is
refused and gets no reply."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode

import pytest
import requests

from channel_servers import SECRETS, webhook
from operations.dialogue import ASK_WHY, FEEDBACK_QUESTION, THANKS_HELPED

pytestmark = pytest.mark.slow  # the bot with every channel live

CAUSES = "what causes cervical insufficiency?"
CAUSES_ANSWER = "not well understood"  # words of the article's causes section
SOURCE = "MSD Manual Consumer Version"
TOPIC_TITLES = {"What is it?", "Risk factors", "Symptoms", "Treatment"}  # some of the buttons


def unique_number() -> int:
    return int(uuid.uuid4().int % 10**9)


def quiet_for(standin, platform, method, who, seconds=3.0):
    """No reply to `who` arrives within `seconds` (a refused request must not be answered)."""
    time.sleep(seconds)
    return [c for c in standin.calls_to(platform, method) if who(c)]


# Telegram: https://core.telegram.org/bots/api#update, secret in X-Telegram-Bot-Api-Secret-Token


def telegram_update(chat_id: int, text: str = None, button: str = None) -> dict:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    chat = {"id": chat_id, "type": "private", "first_name": "Ann"}
    message = {"message_id": 7, "date": int(time.time()), "chat": chat, "from": user}
    if button is None:
        return {"update_id": unique_number(), "message": {**message, "text": text}}
    query = {
        "id": str(unique_number()),
        "from": user,
        "message": {**message, "text": "..."},
        "chat_instance": "-1",
        "data": button,
    }
    return {"update_id": unique_number(), "callback_query": query}


def post_telegram(update: dict, token: str = SECRETS["TELEGRAM_SECRET_TOKEN"]):
    headers = {"X-Telegram-Bot-Api-Secret-Token": token}
    return requests.post(webhook("telegram"), json=update, headers=headers, timeout=60)


def test_telegram_answers_with_an_inline_keyboard_and_its_buttons_work(channel_bot):
    standin, chat = channel_bot.standin, unique_number()
    assert post_telegram(telegram_update(chat, CAUSES)).status_code == 200

    def to_chat(calls):
        return [c for c in calls if str(c["body"].get("chat_id")) == str(chat)]

    sent = to_chat(
        standin.wait_for(
            "telegram",
            "sendMessage",
            lambda cs: any(FEEDBACK_QUESTION in c["body"]["text"] for c in to_chat(cs)),
        )
    )
    assert CAUSES_ANSWER in " ".join(c["body"]["text"] for c in sent)
    with_buttons = [c for c in sent if "reply_markup" in c["body"]]
    with_buttons = [c for c in with_buttons if SOURCE in c["body"]["text"]][-1]
    keyboard = json.loads(with_buttons["body"]["reply_markup"])["inline_keyboard"]
    buttons = {row[0]["text"]: row[0]["callback_data"] for row in keyboard}
    assert TOPIC_TITLES <= set(buttons) and all(len(p.encode()) <= 64 for p in buttons.values())

    # Pressing "Treatment" sends its callback data back: the treatment answer follows.
    before = len(sent)
    assert post_telegram(telegram_update(chat, button=buttons["Treatment"])).status_code == 200
    after = to_chat(
        standin.wait_for("telegram", "sendMessage", lambda cs: len(to_chat(cs)) > before + 1)
    )
    assert "cerclage" in " ".join(c["body"]["text"] for c in after[before:])


def test_telegram_refuses_a_request_without_the_secret_token(channel_bot):
    chat = unique_number()
    for token in ("wrong-token", ""):
        assert post_telegram(telegram_update(chat, CAUSES), token=token).status_code == 403
    sent = quiet_for(
        channel_bot.standin,
        "telegram",
        "sendMessage",
        lambda c: str(c["body"].get("chat_id")) == str(chat),
    )
    assert sent == []


# Slack Events API: https://api.slack.com/apis/connections/events-api, signed per
# https://api.slack.com/authentication/verifying-requests-from-slack


def slack_event(user: str, channel: str, text: str) -> dict:
    ts = f"{time.time():.6f}"
    event = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
    }
    return {
        "token": "verification-token",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{unique_number()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT0001", "is_bot": True}],
    }


def post_slack(payload: dict, secret: str = SECRETS["SLACK_SIGNING_SECRET"], age: int = 0):
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()) - age)
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }
    return requests.post(webhook("slack"), data=body, headers=headers, timeout=60)


def test_slack_answers_with_button_blocks(channel_bot):
    channel = f"D{unique_number()}"
    assert post_slack(slack_event("U1234", channel, CAUSES)).status_code == 200

    def to_channel(calls):
        return [c for c in calls if c["body"].get("channel") == channel]

    sent = to_channel(
        channel_bot.standin.wait_for(
            "slack",
            "chat.postMessage",
            lambda cs: any(FEEDBACK_QUESTION in c["body"]["text"] for c in to_channel(cs)),
        )
    )
    assert CAUSES_ANSWER in " ".join(c["body"]["text"] for c in sent)
    with_blocks = [c["body"]["blocks"] for c in sent if "blocks" in c["body"]]
    blocks = [b for b in with_blocks if SOURCE in b[0]["text"]["text"]][-1]
    assert SOURCE in blocks[0]["text"]["text"]
    buttons = {e["text"]["text"]: e["value"] for e in blocks[1]["elements"]}
    assert blocks[1]["type"] == "actions" and TOPIC_TITLES <= set(buttons)
    assert buttons["Treatment"].startswith("/ask_treatment")


def test_slack_refuses_a_wrong_or_stale_signature(channel_bot):
    channel = f"D{unique_number()}"
    assert post_slack(slack_event("U1234", channel, CAUSES), secret="forged").status_code == 400
    assert post_slack(slack_event("U1234", channel, CAUSES), age=600).status_code == 400  # replay
    sent = quiet_for(
        channel_bot.standin,
        "slack",
        "chat.postMessage",
        lambda c: c["body"].get("channel") == channel,
    )
    assert sent == []


# Facebook Messenger: https://developers.facebook.com/docs/messenger-platform/webhooks,
# signed with the app secret in X-Hub-Signature-256 (and the older SHA-1 X-Hub-Signature)


def messenger_event(psid: str, text: str) -> dict:
    messaging = {
        "sender": {"id": psid},
        "recipient": {"id": "PAGE0001"},
        "timestamp": int(time.time() * 1000),
        "message": {"mid": f"m_{unique_number()}", "text": text},
    }
    return {
        "object": "page",
        "entry": [{"id": "PAGE0001", "time": int(time.time() * 1000), "messaging": [messaging]}],
    }


def post_messenger(payload: dict, secret: str = SECRETS["FACEBOOK_SECRET"]):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    for header, algorithm in (("X-Hub-Signature-256", "sha256"), ("X-Hub-Signature", "sha1")):
        digest = hmac.new(secret.encode(), body, algorithm).hexdigest()
        headers[header] = f"{algorithm}={digest}"
    return requests.post(webhook("facebook"), data=body, headers=headers, timeout=60)


def test_messenger_answers_with_quick_replies(channel_bot):
    psid = str(unique_number())
    assert post_messenger(messenger_event(psid, CAUSES)).status_code == 200

    def messages_to(calls):
        return [
            c["body"]["message"]
            for c in calls
            if c["body"].get("recipient", {}).get("id") == psid and "message" in c["body"]
        ]

    sent = messages_to(
        channel_bot.standin.wait_for(
            "facebook",
            "me/messages",
            lambda cs: any(FEEDBACK_QUESTION in m.get("text", "") for m in messages_to(cs)),
        )
    )
    assert CAUSES_ANSWER in " ".join(m.get("text", "") for m in sent)
    last = [m for m in sent if "quick_replies" in m and SOURCE in m["text"]][-1]
    assert SOURCE in last["text"]
    replies = {q["title"]: q for q in last["quick_replies"]}
    assert TOPIC_TITLES <= set(replies) and replies["Treatment"]["content_type"] == "text"
    assert replies["Treatment"]["payload"].startswith("/ask_treatment")
    access = channel_bot.standin.calls_to("facebook", "me/messages")[-1]["query"]["access_token"]
    assert access == [SECRETS["FACEBOOK_PAGE_ACCESS_TOKEN"]]


def test_messenger_webhook_verification_and_forged_requests(channel_bot):
    challenge = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    good = requests.get(
        webhook("facebook"),
        timeout=30,
        params={**challenge, "hub.verify_token": SECRETS["FACEBOOK_VERIFY"]},
    )
    assert good.status_code == 200 and good.text == "1158201444"
    bad = requests.get(
        webhook("facebook"), params={**challenge, "hub.verify_token": "x"}, timeout=30
    )
    assert bad.status_code == 403

    psid = str(unique_number())
    assert post_messenger(messenger_event(psid, CAUSES), secret="forged").status_code == 403
    sent = quiet_for(
        channel_bot.standin,
        "facebook",
        "me/messages",
        lambda c: c["body"].get("recipient", {}).get("id") == psid,
    )
    assert sent == []


# Twilio (SMS/WhatsApp): https://www.twilio.com/docs/messaging/guides/webhook-request,
# signed per https://www.twilio.com/docs/usage/security#validating-requests


def twilio_form(sender: str, text: str) -> dict:
    return {
        "MessageSid": f"SM{unique_number():032d}",
        "AccountSid": SECRETS["TWILIO_ACCOUNT_SID"],
        "From": sender,
        "To": SECRETS["TWILIO_NUMBER"],
        "Body": text,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }


def twilio_signature(token: str, url: str, form: dict) -> str:
    """HMAC-SHA1 of the URL followed by each parameter's name and value, sorted by name."""
    signed = url + "".join(name + form[name] for name in sorted(form))
    return base64.b64encode(
        hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    ).decode()


def post_twilio(form: dict, token: str = SECRETS["TWILIO_AUTH_TOKEN"]):
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(token, SECRETS["TWILIO_WEBHOOK_URL"], form),
    }
    return requests.post(webhook("twilio"), data=urlencode(form), headers=headers, timeout=60)


def test_twilio_answers_by_sms_as_text(channel_bot):
    sender = f"+4477009{unique_number() % 100000:05d}"
    assert post_twilio(twilio_form(sender, CAUSES)).status_code == 204

    def bodies_to(calls):
        return [c["body"] for c in calls if c["body"].get("To") == sender]

    sent = bodies_to(
        channel_bot.standin.wait_for(
            "twilio",
            "Messages.json",
            lambda cs: any(SOURCE in b.get("Body", "") for b in bodies_to(cs)),
        )
    )
    text = " ".join(b["Body"] for b in sent)
    assert CAUSES_ANSWER in text and "/ask_" not in text  # no button payloads sent as SMS
    assert all(b["From"] == SECRETS["TWILIO_NUMBER"] for b in sent)
    call = channel_bot.standin.calls_to("twilio", "Messages.json")[-1]
    assert SECRETS["TWILIO_ACCOUNT_SID"] in call["path"]


def test_twilio_refuses_a_forged_or_altered_request(channel_bot):
    sender = f"+4477009{unique_number() % 100000:05d}"
    assert post_twilio(twilio_form(sender, CAUSES), token="forged").status_code == 403
    form = twilio_form(sender, CAUSES)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(
            SECRETS["TWILIO_AUTH_TOKEN"], SECRETS["TWILIO_WEBHOOK_URL"], form
        ),
    }
    altered = urlencode({**form, "Body": "what is the treatment?"})  # body changed after signing
    response = requests.post(webhook("twilio"), data=altered, headers=headers, timeout=60)
    assert response.status_code == 403
    sent = quiet_for(
        channel_bot.standin, "twilio", "Messages.json", lambda c: c["body"].get("To") == sender
    )
    assert sent == []


# Feedback after an answer: one tap (a button) on the apps, a digit by SMS.


def test_feedback_by_sms_is_a_reply_of_1_or_2(channel_bot):
    sender = f"+4477009{unique_number() % 100000:05d}"
    assert post_twilio(twilio_form(sender, CAUSES)).status_code == 204

    def bodies_to(calls):
        return [c["body"]["Body"] for c in calls if c["body"].get("To") == sender]

    sent = bodies_to(
        channel_bot.standin.wait_for(
            "twilio", "Messages.json", lambda cs: any(FEEDBACK_QUESTION in b for b in bodies_to(cs))
        )
    )
    assert sent[-1] == f"{FEEDBACK_QUESTION}\nReply 1 for Yes, 2 for No."
    assert post_twilio(twilio_form(sender, "2")).status_code == 204
    after = bodies_to(
        channel_bot.standin.wait_for(
            "twilio", "Messages.json", lambda cs: len(bodies_to(cs)) > len(sent)
        )
    )
    assert after[len(sent)] == ASK_WHY  # "2" was the No button, for the answer just given


def test_feedback_on_telegram_is_one_tap(channel_bot):
    standin, chat = channel_bot.standin, unique_number()
    assert post_telegram(telegram_update(chat, CAUSES)).status_code == 200

    def to_chat(calls):
        return [c["body"] for c in calls if str(c["body"].get("chat_id")) == str(chat)]

    sent = to_chat(
        standin.wait_for(
            "telegram",
            "sendMessage",
            lambda cs: any(FEEDBACK_QUESTION in b["text"] for b in to_chat(cs)),
        )
    )
    keyboard = json.loads(sent[-1]["reply_markup"])["inline_keyboard"]
    buttons = {row[0]["text"]: row[0]["callback_data"] for row in keyboard}
    assert buttons == {"Yes": "/affirm", "No": "/deny"}
    assert post_telegram(telegram_update(chat, button=buttons["Yes"])).status_code == 200
    after = to_chat(
        standin.wait_for("telegram", "sendMessage", lambda cs: len(to_chat(cs)) > len(sent))
    )
    assert after[len(sent)]["text"] == THANKS_HELPED
