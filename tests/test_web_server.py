"""The demo page's server (web/server.py): a fixed set of files, all of them from this project
or its npm lock, and a policy that lets the page talk only to itself and Rasa."""

import importlib.util
import json
import re

from conftest import PROJECT

spec = importlib.util.spec_from_file_location("web_server", PROJECT / "web" / "server.py")
web_server = importlib.util.module_from_spec(spec)
spec.loader.exec_module(web_server)
PACKAGE = json.loads((PROJECT / "web" / "package.json").read_text())


def test_only_the_page_its_styles_its_scripts_and_the_config_are_served():
    served = web_server.responses("http://localhost:5005")
    assert set(served) == {
        "/",
        "/page.css",
        "/chat.css",
        "/chat.js",
        "/socket.io.min.js",
        "/config.js",
    }
    config, _ = served["/config.js"]
    assert config == b'window.BOT_CONFIG = {"socketUrl": "http://localhost:5005"};\n'
    assert all(
        kind.startswith(("text/css", "text/javascript"))
        for p, (_, kind) in served.items()
        if p != "/"
    )


def test_the_page_loads_nothing_from_the_internet():
    served = web_server.responses("http://localhost:5005")
    page = served["/"][0].decode()
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == [
        "data:,",
        "/page.css",
        "/chat.css",
        "/config.js",
        "/socket.io.min.js",
        "/chat.js",
    ]
    for path in ("/page.css", "/chat.css", "/chat.js"):
        body = served[path][0].decode()
        assert "http" not in body and "@import" not in body and "url(" not in body, path


def test_the_page_may_connect_only_to_itself_and_rasa():
    policy = web_server.content_security_policy("https://bot.example.org")
    assert "default-src 'self'" in policy and "script-src 'self';" in policy
    assert "style-src 'self';" in policy  # no inline style: the widget needs none
    assert "connect-src 'self' https://bot.example.org wss://bot.example.org;" in policy


def test_the_served_socket_io_client_is_the_pinned_one():
    pinned = PACKAGE["dependencies"]["socket.io-client"]
    installed = web_server.SOCKET_IO.parent.parent / "package.json"
    assert json.loads(installed.read_text())["version"] == pinned


def test_the_pinned_axe_core_is_the_one_the_browser_test_injects():
    installed = PROJECT / "web" / "node_modules" / "axe-core" / "package.json"
    assert json.loads(installed.read_text())["version"] == PACKAGE["devDependencies"]["axe-core"]


def test_the_widget_knows_the_urgent_advice_by_the_mark_the_bot_puts_first():
    """chat.js flags a bot message as urgent advice by its first characters (medinfo.safety)."""
    from medinfo.safety import URGENT

    mark = URGENT.split()[0]
    assert f'var URGENT_MARK = "{mark}";' in (PROJECT / "web" / "chat.js").read_text()
