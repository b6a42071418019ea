class ApplicationError(Exception):
    """A domain rule refused an operation; ``message`` is safe to show to the user.

    ``field`` names the input at fault; ``errors`` maps several inputs to their messages when a
    service checks them all at once (a form shows each on its field, the API returns them)."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        extra: dict | None = None,
        errors: dict[str, list[str]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}
        self.errors = errors or ({field: [message]} if field else {})


class ConflictError(ApplicationError):
    """The request is well formed but the object's current state refuses it (a state-machine
    transition that is not allowed, closing a closed case). The API answers 409."""


def raise_if_errors(errors: dict[str, list[str]]) -> None:
    """Raise one ApplicationError carrying every field error collected by a service."""
    if not errors:
        return
    messages = [message for field_errors in errors.values() for message in field_errors]
    field = next(iter(errors)) if len(errors) == 1 else None
    error = ApplicationError(" ".join(messages), field=field, errors=errors)
    error.errors = errors
    raise error


def form_add_application_error(form, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: on its fields when the form has them, else on top."""
    if not exc.errors:
        form.add_error(None, exc.message)
        return
    for field, messages in exc.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
