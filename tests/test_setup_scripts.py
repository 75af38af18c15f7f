"""The set-up script that picks the venv's interpreter: Rasa 3.6 needs Python 3.8-3.10."""

import os
import subprocess
import sys

from conftest import PROJECT

SCRIPT = PROJECT / "scripts" / "find_python.sh"


def find_python(**env):
    command = ["/bin/bash", str(SCRIPT)]
    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)


def test_a_supported_python_override_is_used():
    result = find_python(PYTHON=sys.executable)  # the venv's own 3.10
    assert result.returncode == 0 and result.stdout.strip() == sys.executable


def test_an_unsupported_python_override_is_refused_with_a_reason(tmp_path):
    fake = tmp_path / "python3.11"
    fake.write_text("#!/bin/sh\nexec python3 -c 'import sys; sys.exit(1)'\n")
    fake.chmod(0o755)
    result = find_python(PYTHON=str(fake))
    assert result.returncode == 1 and "not a Python 3.8-3.10" in result.stderr


def test_no_supported_python_anywhere_stops_with_advice(tmp_path):
    # An empty PATH and an empty pyenv root: no interpreter of any version to be found.
    result = find_python(PATH=str(tmp_path), HOME=str(tmp_path), PYENV_ROOT=str(tmp_path))
    assert result.returncode == 1
    assert "No Python 3.8-3.10 found" in result.stderr and "PYTHON=" in result.stderr
