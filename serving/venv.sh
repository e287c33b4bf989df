#!/usr/bin/env bash
# Creates (or reuses) the serving lab's Python environment at <repo>/.venv-lab and installs
# serving/requirements.txt into it. Installing takes about a minute, so it only happens when the
# requirements changed since the last install: a copy of the installed file is kept inside the
# venv and compared. Quiet when everything is up to date.
#
#   serving/venv.sh            # then use .venv-lab/bin/python
#
# Needs python3 with the venv module (Debian 12: apt-get install python3 python3-venv).
# PYTHON picks another interpreter (default python3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
venv="$repo/.venv-lab"
requirements="$here/requirements.txt"
stamp="$venv/requirements.installed.txt"
python="${PYTHON:-python3}"

# A venv whose interpreter no longer runs (base Python removed or upgraded) is rebuilt from scratch.
if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c '' 2>/dev/null; then
  echo "venv: $venv is broken, recreating"
  rm -rf "$venv"
fi

if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "venv: $python cannot create virtual environments; on Debian: apt-get install python3-venv" >&2
    exit 1
  fi
  echo "venv: creating $venv"
  "$python" -m venv "$venv"
  rm -f "$stamp"
fi

if cmp -s "$requirements" "$stamp"; then
  exit 0
fi

echo "venv: installing serving/requirements.txt (about a minute)"
start=$(date +%s)
# The stamp is removed first so that an interrupted install is retried next time.
rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
echo "venv: ready in $(( $(date +%s) - start )) s"
