"""Every change this project makes to Rasa's own code, in one place.

`apply()` is called by the project's entry point (`python -m serving run|shell`, which
scripts/serve.sh and scripts/shell.sh use) before Rasa starts; nothing else installs them,
and importing a module of this package changes nothing in Rasa. Each patch relies on a Rasa
3.6 internal named below; tests/test_rasa_patches.py (fast tier) fails when one changes.

- `RemoteAction._validate_action_result`: the faster check of action server responses
  (serving/server_tuning.py). Relies on `RemoteAction.run` calling it on each response.
- `rasa.core.actions.action.RemoteAction`: the custom-action fallback
  (serving/action_fallback.py). Relies on `action_for_name_or_text` (and
  `ActionExtractSlots`) building custom actions through this module-level name.
- `rasa.core.run.serve_application`: adds a listener that freezes the loaded model's objects
  once the server has started (serving/server_tuning.py). Relies on its `server_listeners`
  parameter, and on `rasa.api.run` calling it through the module.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict

import rasa.core.actions.action
import rasa.core.run

from serving import action_fallback, server_tuning

RASA_REMOTE_ACTION = rasa.core.actions.action.RemoteAction
RASA_VALIDATE = RASA_REMOTE_ACTION._validate_action_result
RASA_SERVE_APPLICATION = rasa.core.run.serve_application


@functools.wraps(RASA_SERVE_APPLICATION)
def serve_application(*args: Any, **kwargs: Any) -> None:
    listeners = list(kwargs.get("server_listeners") or [])
    listeners.append((server_tuning.freeze_loaded_objects, "after_server_start"))
    kwargs["server_listeners"] = listeners
    return RASA_SERVE_APPLICATION(*args, **kwargs)


def apply() -> None:
    """Install every patch (idempotent)."""
    RASA_REMOTE_ACTION._validate_action_result = server_tuning.validate_action_result
    rasa.core.actions.action.RemoteAction = action_fallback.FallbackRemoteAction
    rasa.core.run.serve_application = serve_application


def remove() -> None:
    """Rasa as shipped (for the tests that compare)."""
    RASA_REMOTE_ACTION._validate_action_result = RASA_VALIDATE
    rasa.core.actions.action.RemoteAction = RASA_REMOTE_ACTION
    rasa.core.run.serve_application = RASA_SERVE_APPLICATION


def applied() -> Dict[str, bool]:
    """Which patches are in place, by the name they replace."""
    checks: Dict[str, Callable[[], bool]] = {
        "RemoteAction._validate_action_result": lambda: (
            RASA_REMOTE_ACTION._validate_action_result is server_tuning.validate_action_result
        ),
        "rasa.core.actions.action.RemoteAction": lambda: (
            rasa.core.actions.action.RemoteAction is action_fallback.FallbackRemoteAction
        ),
        "rasa.core.run.serve_application": lambda: (
            rasa.core.run.serve_application is serve_application
        ),
    }
    return {name: check() for name, check in checks.items()}
