import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .work import KINDS, work_overview, work_retry


def home(request):
    if request.user.is_authenticated:
        return redirect("cases:dashboard")
    return render(request, "core/home.html")


def _database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # the point of a health check is to report, not to raise
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}


def _broker_status() -> dict:
    from dsar.celery import app

    url = settings.CELERY_BROKER_URL
    transport = url.split("://", 1)[0]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "transport": "eager"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": transport}
    except Exception as exc:
        return {"ok": False, "transport": transport, "error": str(exc)[:200]}


def _operator(request) -> bool:
    token = settings.DSAR_HEALTH_TOKEN
    given = request.headers.get("X-Health-Token") or request.GET.get("token") or ""
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def _work_status() -> dict:
    try:
        return {
            row["kind"].name: {
                "pending": row["pending"],
                "running": row["running"],
                "stuck": row["stuck"],
                "failed": row["failed"],
                "oldest_pending_seconds": row["oldest_pending_seconds"],
            }
            for row in work_overview(examples=0)
        }
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"error": str(exc)[:200]}


@never_cache
@require_GET
def healthz(request):
    """Public: only ok (200) or not ok (503). Operators (``DSAR_HEALTH_TOKEN`` in the
    X-Health-Token header or the ``token`` parameter) also get the database, the broker and the
    oldest waiting item of each kind of background work."""
    database = _database_status()
    broker = _broker_status()
    ok = database["ok"] and broker["ok"]
    body: dict = {"status": "ok" if ok else "error"}
    if _operator(request):
        body.update(database=database, broker=broker)
        if database["ok"]:
            body["work"] = _work_status()
    return JsonResponse(body, status=200 if ok else 503)


@staff_member_required
def work_status(request):
    """Administrators: waiting, running, stuck and failed background work, with a retry."""
    if request.method == "POST":
        kind = KINDS.get(request.POST.get("kind", ""))
        try:
            pk = int(request.POST.get("pk", ""))
        except ValueError:
            pk = None
        if kind is None or pk is None or not work_retry(kind=kind, pk=pk):
            messages.error(request, _("Nothing to retry: the item is no longer failed."))
        else:
            messages.info(request, _("Queued again."))
        return redirect("work_status")
    return render(
        request,
        "core/work_status.html",
        {"rows": work_overview(), "title": _("Background work")},
    )
