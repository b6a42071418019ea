"""The client address of the request being served, for the audit log.

Set by ``AuditContextMiddleware``; services read it when they write an entry, so they do not
need a request argument. Outside a request (tasks, commands) it is empty."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("dsar_audit_ip", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # REMOTE_ADDR is the peer: behind a reverse proxy, have the proxy set it (for example
        # gunicorn's --forwarded-allow-ips with a proxy that rewrites X-Forwarded-For).
        token = current_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
