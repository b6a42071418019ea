from django.conf import settings


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: no inline scripts, nothing loaded from other origins."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/") or not settings.DEBUG:
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response


class NoStoreForSignedInMiddleware:
    """Nothing shown to a signed-in user is kept by the browser or any cache on the way: those
    pages carry names, identity numbers and agency letters. Public pages may still be cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response
