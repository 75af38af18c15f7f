"""The demo page's server (web/server.py): a fixed set of files, the widget bundle without its
remote web-font import, and a policy that lets the page talk only to itself and Rasa."""

import importlib.util

from conftest import PROJECT

spec = importlib.util.spec_from_file_location("web_server", PROJECT / "web" / "server.py")
web_server = importlib.util.module_from_spec(spec)
spec.loader.exec_module(web_server)


def test_only_the_page_its_scripts_and_the_config_are_served():
    served = web_server.responses("http://localhost:5005")
    assert set(served) == {"/", "/chat.js", "/webchat.js", "/config.js"}
    config, _ = served["/config.js"]
    assert config == b'window.BOT_CONFIG = {"socketUrl": "http://localhost:5005"};\n'


def test_the_widget_bundle_imports_nothing_from_the_internet():
    original = web_server.BUNDLE.read_bytes()
    assert web_server.REMOTE_FONT in original  # what is taken out is really there
    bundle, _ = web_server.responses("http://localhost:5005")["/webchat.js"]
    assert b"@import url(http" not in bundle and b"fonts.googleapis" not in bundle


def test_the_page_may_connect_only_to_itself_and_rasa():
    policy = web_server.content_security_policy("https://bot.example.org")
    assert "default-src 'self'" in policy and "script-src 'self';" in policy
    assert "connect-src 'self' https://bot.example.org wss://bot.example.org;" in policy
