"""The warnings Rasa 3.6 and its pinned libraries print at every start, silenced by the
module that issues them, so that a new warning (from our code, or a Rasa internal starting
to change) still shows. pytest.ini lists the same modules for the tests.

Each is (category, module pattern): deprecations inside Rasa, its CLI stack (click, typer),
its ML stack (TensorFlow, JAX, matplotlib via pyparsing, packaging) and setuptools'
pkg_resources; SQLAlchemy's 2.0 migration notice raised from Rasa's tracker store; and
Rasa's "multiple entity extractors" notice, which checks component names only (config.yml).
"""

from __future__ import annotations

import warnings
from typing import List, Tuple, Type

NOISY_LIBRARIES = (
    r"rasa|rasa_sdk|tensorflow|keras|jax|click|typer|spacy|matplotlib|packaging"
    r"|pkg_resources|sanic|sanic_routing|google|flatbuffers|sqlalchemy|absl"
)

KNOWN: List[Tuple[Type[Warning], str, str]] = [
    # (category, module regex, message regex)
    (DeprecationWarning, rf"({NOISY_LIBRARIES})(\..*)?\Z", ""),
    (PendingDeprecationWarning, rf"({NOISY_LIBRARIES})(\..*)?\Z", ""),
    (UserWarning, r"rasa\.shared\.utils\.io", "You have defined multiple entity extractors"),
    # Raised by Python's import system for a loader of Rasa's stack (Rasa ignores it too).
    (DeprecationWarning, "", r"the load_module\(\) method is deprecated"),
]


def install() -> None:
    """Add the filters (called before Rasa is imported, so import-time warnings match).

    Sanic 21.12 puts a filter showing every DeprecationWarning once in front of all others
    when it is imported, so it is imported first and these go in front of it."""
    import sanic  # noqa: F401

    for category, module, message in KNOWN:
        warnings.filterwarnings("ignore", message=message, category=category, module=module)


def pytest_configure(config) -> None:
    """pytest loads this module as a plugin (pytest.ini): Sanic's "once" filter is set before
    pytest puts the ini's filters in front of the existing ones for each test, instead of
    landing in front of them when a test module first imports Rasa."""
    import sanic  # noqa: F401
