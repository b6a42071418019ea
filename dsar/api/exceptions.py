"""Every API error is JSON: ``{"detail": message, "errors": {field: [messages]}}``.

A service's refusal (ApplicationError) is a 400 with its field errors; a refusal by the
object's state (ConflictError, e.g. a state-machine transition) is a 409 with the explanation."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dsar.core.exceptions import ApplicationError, ConflictError


def flatten_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as flat ``{"cases.3.title": ["..."]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            # A list's own error ("no more than 1000 elements") is named after the list.
            name = (
                prefix
                if prefix and key == "non_field_errors"
                else ".".join(part for part in (prefix, str(key)) if part)
            )
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
    elif isinstance(data, list) and data and all(isinstance(v, str) for v in data):
        flat[prefix or "non_field_errors"] = [str(v) for v in data]
    elif isinstance(data, list):
        for index, value in enumerate(data):
            name = f"{prefix}.{index}" if prefix else str(index)
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
    elif data is not None and data != "":
        flat[prefix or "non_field_errors"] = [str(data)]
    return flat


def _body(detail: str, errors: dict | None = None) -> dict:
    return {"detail": str(detail), "errors": errors or {}}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        code = status.HTTP_409_CONFLICT if isinstance(exc, ConflictError) else 400
        return Response(_body(exc.message, exc.errors), status=code)
    if isinstance(exc, DjangoValidationError):
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        return Response(_body(" ".join(exc.messages), errors), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        response.data = _body(_("Check the fields marked."), errors)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = _body(detail or exc.__class__.__name__)
    return response
