# Shared set-up for the project's scripts: a virtual environment with the project installed.
# Sourced, not run. Re-installs only when pyproject.toml changes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${IMET_KG_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "imet-kg needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)." >&2
  exit 2
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating the virtual environment in $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.imet-kg-installed"
want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)-${IMET_KG_EXTRAS:-dev}"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing imet-kg and its dependencies" >&2
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e "$ROOT[${IMET_KG_EXTRAS:-dev}]"
  echo "$want" > "$stamp"
fi

# System packages, installed through apt-get only when missing.
apt_install() {
  if [ "$(id -u)" != "0" ]; then
    echo "Missing system packages ($*); run as root or install them by hand." >&2
    exit 2
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

export PATH="$VENV/bin:$PATH"
cd "$ROOT"
