from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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


@never_cache
@require_GET
def healthz(request):
    database = _database_status()
    broker = _broker_status()
    ok = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": database, "broker": broker},
        status=200 if ok else 503,
    )
