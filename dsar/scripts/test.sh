#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: installs what is missing (Python packages,
# Chromium, poppler, redis-server), starts PostgreSQL when it is down, lints, then runs pytest
# on PostgreSQL (set DSAR_TEST_DB=sqlite to use SQLite instead). Extra arguments go to pytest.
# The fault tests start their own redis-server on a free port and their own SMTP sink
# (aiosmtpd, from requirements.txt); no test touches a Redis it did not start.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt

. dsar/scripts/debian_packages.sh
ensure_debian_packages chromium:chromium pdftoppm:poppler-utils msgfmt:gettext \
  redis-server:redis-server tesseract:tesseract-ocr tesseract-lang-eng:tesseract-ocr-eng \
  tesseract-lang-spa:tesseract-ocr-spa

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# The product's Redis (the tests start their own on free ports and never touch this one).
if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# axe-core for the accessibility checks in the browser tests, from npm, into var/ (ignored).
if [ ! -f var/axe/axe.min.js ] && command -v npm >/dev/null 2>&1; then
  mkdir -p var/axe
  if (cd var/axe && npm pack axe-core --silent >/dev/null 2>&1); then
    tar -xzf var/axe/axe-core-*.tgz -C var/axe --strip-components=1 package/axe.min.js
  else
    echo "warning: could not fetch axe-core with npm; the accessibility checks will skip" >&2
  fi
fi
export DSAR_AXE_JS=${DSAR_AXE_JS:-$PWD/var/axe/axe.min.js}

export DJANGO_SETTINGS_MODULE=dsar.settings.test
if [ "${DSAR_TEST_DB:-postgres}" = "sqlite" ]; then
  unset DATABASE_URL
else
  export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
fi

.venv/bin/ruff check dsar tests
.venv/bin/ruff format --check dsar tests
# Types: the deadline engine and every service and selector module (.mypy.ini lists them).
DJANGO_SETTINGS_MODULE=dsar.settings.test .venv/bin/mypy --config-file .mypy.ini
.venv/bin/python manage.py compilemessages --ignore .venv >/dev/null
exec .venv/bin/pytest tests -p no:cacheprovider "$@"
