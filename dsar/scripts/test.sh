#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: installs what is missing (Python packages,
# Chromium, poppler), starts PostgreSQL and Redis when they are down, lints, then runs pytest
# on PostgreSQL (set DSAR_TEST_DB=sqlite to use SQLite instead). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt

need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v msgfmt >/dev/null 2>&1 || need_apt+=(gettext)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing ${need_apt[*]}; the tests that need them will skip" >&2
  fi
fi

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

export DJANGO_SETTINGS_MODULE=dsar.settings.test
if [ "${DSAR_TEST_DB:-postgres}" = "sqlite" ]; then
  unset DATABASE_URL
else
  export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
fi
export REDIS_TEST_URL=${REDIS_TEST_URL:-redis://127.0.0.1:6379}

.venv/bin/ruff check dsar tests
.venv/bin/ruff format --check dsar tests
.venv/bin/python manage.py compilemessages --ignore .venv >/dev/null
exec .venv/bin/pytest tests -p no:cacheprovider "$@"
