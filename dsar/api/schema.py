"""The OpenAPI schema documents every error each operation can answer, with one JSON shape."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field; nested inputs are named with dots, e.g. `cases.3.title`.",
    )


ERRORS = {
    "400": "The input is malformed or a rule refuses it; `errors` names the fields.",
    "401": "No credentials, or an invalid, expired or revoked token.",
    "403": "Not allowed: a viewer's or a read-only token's write, or CSRF failure.",
    "404": "No such object (or it is not yours to see), or no such page of a list.",
    "409": "The object's current state refuses the change (e.g. a state-machine transition).",
    "429": "Too many requests; retry after the number of seconds in `Retry-After`.",
}


class AutoSchema(BaseAutoSchema):
    def _error_codes(self) -> list[str]:
        view = self.view
        public = any(isinstance(p, AllowAny) for p in view.get_permissions())
        write = self.method not in ("GET", "HEAD", "OPTIONS")
        # A bad token is refused even on public endpoints; a page past the end is a 404.
        codes = ["400", "401", "404", "429"]
        if not public:
            codes.append("403")
        if write and not public:
            codes.append("409")
        # A view names the other refusals of an action, e.g. {"pdf": ["409"]}.
        extra = getattr(view, "extra_error_codes", {}).get(getattr(view, "action", None), ())
        return [*codes, *(code for code in extra if code not in codes)]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
                responses[code]["description"] = ERRORS[code]
        return responses
