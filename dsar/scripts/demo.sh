#!/usr/bin/env bash
# Start dsar with demo data on the embedded default: SQLite, a file-system Celery broker,
# a background worker with the beat scheduler, e-mail written to files. No Redis needed.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt

# Reading agency letters needs poppler and Tesseract (English and Spanish); messages need gettext.
. dsar/scripts/debian_packages.sh
ensure_debian_packages pdftoppm:poppler-utils msgfmt:gettext tesseract:tesseract-ocr \
  tesseract-lang-eng:tesseract-ocr-eng tesseract-lang-spa:tesseract-ocr-spa

export DJANGO_SETTINGS_MODULE=dsar.settings.local
# The demo runs as it would in use: no debug pages, styled error pages, static files served
# by WhiteNoise from the collected folder.
export DEBUG=${DEBUG:-0}
mkdir -p var/broker/queue var/broker/processed var/mail var/log

command -v msgfmt >/dev/null 2>&1 && .venv/bin/python manage.py compilemessages --ignore .venv >/dev/null
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput >/dev/null
.venv/bin/python manage.py demo

# The worker runs the periodic sweeps (-B) and renders PDFs; it lives as long as this script.
.venv/bin/celery -A dsar worker -B --concurrency 2 --loglevel INFO \
  --schedule var/celerybeat-schedule >var/log/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

echo "Background worker started (log: var/log/worker.log); e-mail goes to var/mail/."
echo "Encryption keys: ${DSAR_KEY_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/dsar/keys} (outside var/; back them up separately)."
echo "Open http://127.0.0.1:8000 — stop with Ctrl-C."
.venv/bin/python manage.py runserver 127.0.0.1:8000 --noreload
