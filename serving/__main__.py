"""`python -m serving <rasa arguments>`: Rasa's own command line, started the project's way.

scripts/serve.sh (`make run`), scripts/shell.sh (`make shell`), `make train` and the tests
start Rasa through here rather than through `.venv/bin/rasa`, so that:
- the Rasa server (`run`, `shell`) gets this project's Rasa patches (serving/rasa_patches.py);
- the warnings Rasa and its libraries print at every start are filtered by module
  (serving/known_warnings.py) instead of all warnings being switched off.
"""

from __future__ import annotations

import sys

from serving import known_warnings


def serves_conversations(arguments: list) -> bool:
    """`rasa run` (not `rasa run actions`) and `rasa shell` run the Rasa server."""
    if not arguments:
        return False
    if arguments[0] == "shell":
        return True
    return arguments[0] == "run" and (len(arguments) < 2 or arguments[1] != "actions")


def main() -> None:
    known_warnings.install()
    arguments = sys.argv[1:]
    if serves_conversations(arguments):
        from serving import rasa_patches

        rasa_patches.apply()
    import rasa.__main__

    rasa.__main__.configure_logging_and_warnings = configure_then_filter
    sys.argv = ["rasa", *arguments]
    rasa.__main__.main()


def configure_then_filter(*args, **kwargs) -> None:
    """Rasa's own logging and warning set-up, then our filters in front again: Rasa puts a
    "show once" filter for every UserWarning first, and pyparsing's deprecations (raised by
    matplotlib and packaging as Rasa loads them) are UserWarnings too."""
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(*args, **kwargs)
    known_warnings.install()


if __name__ == "__main__":
    main()
