#!/usr/bin/env bash
# Creates (or reuses) a Python environment of the serving lab and installs its pinned
# requirements into it. Installing takes a minute or two, so it only happens when the
# requirements changed since the last install: a copy of the installed file is kept inside the
# venv and compared. Quiet when everything is up to date.
#
#   serving/venv.sh            # .venv-lab from serving/requirements.txt: MLServer, FastAPI, training
#   serving/venv.sh triton     # .venv-triton from serving/requirements-triton.txt: Triton via PyTriton
#
# Needs python3 with the venv module (Debian 12: apt-get install python3 python3-venv).
# PYTHON picks another interpreter for the lab (default python3). Triton's venv always uses
# Debian's /usr/bin/python3: PyTriton's Python backend stub fails to load a model under other
# builds of Python (pyenv's 3.11.7, for one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
case "${1:-lab}" in
  lab)
    venv="$repo/.venv-lab"
    requirements="$here/requirements.txt"
    python="${PYTHON:-python3}" ;;
  triton)
    venv="$repo/.venv-triton"
    requirements="$here/requirements-triton.txt"
    python=/usr/bin/python3 ;;
  *) echo "usage: $0 [lab|triton]" >&2; exit 2 ;;
esac
stamp="$venv/requirements.installed.txt"

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

echo "venv: installing serving/$(basename "$requirements") into $venv (a minute or two)"
start=$(date +%s)
# The stamp is removed first so that an interrupted install is retried next time.
rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
echo "venv: ready in $(( $(date +%s) - start )) s"
