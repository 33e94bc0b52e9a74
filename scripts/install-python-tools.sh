#!/usr/bin/env bash
# Installs the Python tools the tests use into .tools/venv (from PyPI, pinned in
# requirements-tools.txt), once: a stamp holding the requirements' digest skips the
# install while they are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.tools/venv
requirements=scripts/requirements-tools.txt
stamp="$venv/.requirements.sha256"
digest=$(sha256sum "$requirements" | cut -d' ' -f1)

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; then
  exit 0
fi

echo "Installing Python test tools into $venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
echo "$digest" > "$stamp"
