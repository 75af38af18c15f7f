"""`python -m operations`: see operations/cli.py."""

import sys

# spaCy's thinc imports TensorFlow whenever it is installed: 4 s of start-up for commands that
# only lemmatize (a blank pipeline). Blocked in this process only, before anything imports it.
sys.modules.setdefault("tensorflow", None)

from operations.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
