"""Secrets only from the environment, and the production profile refusing to start without
the settings that protect it."""

import re

import pytest
import yaml

from conftest import PROJECT
from servers import port, start_part

CONFIG_FILES = ["endpoints.yml", "endpoints.production.yml", "credentials.yml"]
SECRET_KEY = re.compile(r"pass|secret|token|key(?!_prefix)|auth|credential", re.I)
FROM_ENV = re.compile(r"^\$\{[A-Z][A-Z0-9_]*\}$")


def leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, path + (str(key),))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, path + (str(index),))
    else:
        yield path, node


@pytest.mark.parametrize("name", CONFIG_FILES)
def test_no_secret_is_written_in_the_config_files(name):
    config = yaml.safe_load((PROJECT / name).read_text()) or {}
    for path, value in leaves(config):
        if any(SECRET_KEY.search(part) for part in path) and value not in (None, ""):
            assert FROM_ENV.match(str(value)), f"{name}: {'.'.join(path)} is not ${{VAR}}"


def test_the_production_profile_reads_every_setting_from_the_environment():
    config = yaml.safe_load((PROJECT / "endpoints.production.yml").read_text())
    for path, value in leaves(config):
        if path[-1] not in ("type", "dialect"):
            assert FROM_ENV.match(str(value)), f"{'.'.join(path)}: {value!r}"
    assert config["tracker_store"]["dialect"] == "postgresql"
    assert config["lock_store"]["type"] == "serving.lock_store.AtomicRedisLockStore"


PRODUCTION = {
    "BOT_PROFILE": "production",
    "WIDGET_ORIGINS": "https://w.example",
    "REST_TOKEN": "t",
    "SOCKETIO_SESSION_SECRET": "s",
}


@pytest.mark.slow  # starts the Rasa server
@pytest.mark.parametrize(
    "missing, message",
    [
        ("WIDGET_ORIGINS", "BOT_PROFILE=production needs WIDGET_ORIGINS"),
        ("REST_TOKEN", "BOT_PROFILE=production: set REST_TOKEN"),
        ("SOCKETIO_SESSION_SECRET", "BOT_PROFILE=production: set SOCKETIO_SESSION_SECRET"),
    ],
)
def test_production_refuses_to_start_unprotected(tmp_path, missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    # Any endpoints: the check comes before Rasa connects to anything.
    process = start_part(
        tmp_path, "rasa", "rasa", rasa_port=port(230), endpoints="{}\n", env=env, wait=False
    )
    assert process.wait(timeout=300) != 0
    assert message in process.log_path.read_text()
