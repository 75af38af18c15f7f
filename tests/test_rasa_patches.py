"""The project's Rasa patches (serving/rasa_patches.py) against the Rasa internals they rely
on: each test fails when a Rasa release renames, reshapes or stops calling what a patch
replaces. Fast tier: no model, no server (the action server's HTTP call is the one thing
replaced, by a function returning what the action server would)."""

import asyncio
import inspect
import subprocess
import sys

import aiohttp
import jsonschema
import pytest
import rasa.api
import rasa.core.actions.action
import rasa.core.run
from rasa.core.actions.action import ActionExecutionRejection, action_for_name_or_text
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from rasa_cli import PROJECT
from serving import action_fallback, rasa_patches, server_tuning
from serving.__main__ import serves_conversations

DOMAIN = Domain.from_yaml("version: '3.1'\nactions:\n  - action_answer\n")
ENDPOINT = EndpointConfig(url="http://localhost:1/webhook")


@pytest.fixture
def patched():
    rasa_patches.apply()
    yield
    rasa_patches.remove()


def run_action(action, request):
    """Run a custom action as Rasa's processor does, with `request` standing in for the HTTP
    call to the action server."""
    action.action_endpoint.request = request
    tracker = DialogueStateTracker("patch-test", DOMAIN.slots)
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, DOMAIN))


def custom_action():
    return action_for_name_or_text("action_answer", DOMAIN, EndpointConfig(url=ENDPOINT.url))


def answering(response):
    async def request(**kwargs):
        return response

    return request


def failing(error):
    async def request(**kwargs):
        raise error

    return request


def test_importing_the_project_changes_nothing_in_rasa():
    code = (
        "import serving.rasa_patches, serving.server_tuning, serving.action_fallback, "
        "serving.crf_extractor, serving.lock_store, serving.known_warnings, "
        "serving.sentence_features\n"
        "from serving import rasa_patches\n"
        "assert not any(rasa_patches.applied().values()), rasa_patches.applied()"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def test_apply_installs_every_patch_and_remove_restores_rasa(patched):
    assert all(rasa_patches.applied().values()), rasa_patches.applied()
    rasa_patches.remove()
    assert not any(rasa_patches.applied().values())


# 1. The response check.


def test_the_replaced_check_has_the_signature_the_patch_expects():
    parameters = list(inspect.signature(rasa_patches.RASA_VALIDATE).parameters)
    assert parameters == ["self", "result"]
    assert list(inspect.signature(server_tuning.validate_action_result).parameters) == parameters


def test_rasas_custom_action_still_calls_the_patched_check(patched, monkeypatch):
    seen = []

    def spy(self, result):
        seen.append(result)
        return server_tuning.validate_action_result(self, result)

    monkeypatch.setattr(rasa_patches.RASA_REMOTE_ACTION, "_validate_action_result", spy)
    response = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []}
    events = run_action(custom_action(), answering(response))
    assert seen == [response]
    assert [e.as_dict()["event"] for e in events] == ["slot"]


def test_an_invalid_response_is_still_rejected_through_rasas_path(patched):
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server"):
        run_action(custom_action(), answering({"events": "not a list"}))


# 2. The custom-action fallback.


def test_rasas_factory_builds_custom_actions_as_the_fallback(patched):
    assert isinstance(custom_action(), action_fallback.FallbackRemoteAction)


def test_without_the_patches_rasas_factory_builds_its_own_class():
    assert type(custom_action()) is rasa_patches.RASA_REMOTE_ACTION


def apologised(events):
    texts = " ".join(e.as_dict().get("text") or "" for e in events)
    return "cannot look" in texts.lower() or "right now" in texts.lower()


@pytest.mark.parametrize(
    "error",
    [
        aiohttp.ClientConnectionError("refused"),
        aiohttp.ServerDisconnectedError(),
        ClientResponseError(500, "Internal Server Error", "boom"),
        ClientResponseError(503, "Service Unavailable", ""),
    ],
    ids=["refused", "disconnected", "500", "503"],
)
def test_an_action_server_failure_gets_the_apology(patched, error):
    assert apologised(run_action(custom_action(), failing(error)))


def test_a_slow_action_server_gets_the_apology(patched, monkeypatch):
    monkeypatch.setattr(action_fallback, "ACTION_TIMEOUT", 0.05)

    async def slow(**kwargs):
        await asyncio.sleep(5)

    assert apologised(run_action(custom_action(), slow))


def test_a_rejected_action_is_left_to_rasas_policies(patched):
    rejection = ClientResponseError(400, "Bad Request", '{"action_name": "action_answer"}')
    with pytest.raises(ActionExecutionRejection):
        run_action(custom_action(), failing(rejection))


def test_other_failures_are_not_hidden_behind_the_apology(patched):
    with pytest.raises(RasaException, match="no endpoint is configured"):
        action = custom_action()
        action.action_endpoint = None
        asyncio.run(
            action.run(
                CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator({}),
                DialogueStateTracker("x", []),
                DOMAIN,
            )
        )
    with pytest.raises(ZeroDivisionError):
        run_action(custom_action(), failing(ZeroDivisionError()))


# 3. The listener that freezes the loaded model.


def test_rasa_still_takes_server_listeners_and_the_cli_serves_through_the_module():
    assert "server_listeners" in inspect.signature(rasa_patches.RASA_SERVE_APPLICATION).parameters
    assert "rasa.core.run.serve_application(" in inspect.getsource(rasa.api.run)
    configure = inspect.getsource(rasa.core.run.configure_app)
    assert "register_listener(listener, event)" in configure


def test_the_wrapper_adds_the_freeze_listener(patched, monkeypatch):
    calls = []
    monkeypatch.setattr(rasa_patches, "RASA_SERVE_APPLICATION", lambda **kw: calls.append(kw))
    rasa.core.run.serve_application(server_listeners=[("mine", "before_server_start")])
    assert calls[0]["server_listeners"] == [
        ("mine", "before_server_start"),
        (server_tuning.freeze_loaded_objects, "after_server_start"),
    ]


# The entry point applies them where Rasa serves conversations.


@pytest.mark.parametrize(
    "arguments, serves",
    [
        (["run", "--model", "m"], True),
        (["run"], True),
        (["shell", "--model", "m"], True),
        (["run", "actions", "--actions", "actions"], False),
        (["train", "--dry-run"], False),
        ([], False),
    ],
)
def test_the_entry_point_patches_the_conversation_servers_only(arguments, serves):
    assert serves_conversations(arguments) is serves


def test_the_entry_point_can_put_its_warning_filters_after_rasas():
    import rasa.__main__

    assert callable(rasa.__main__.configure_logging_and_warnings)
    assert "configure_logging_and_warnings(" in inspect.getsource(rasa.__main__.main)
