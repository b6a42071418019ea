from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from dsar.core.exceptions import ApplicationError

from .services import user_set_language


@require_POST
def set_language(request):
    """Django's language switch, which also stores the choice on the signed-in user."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        try:
            user_set_language(user=request.user, language=request.POST.get("language", ""))
        except ApplicationError:
            pass  # Django's view already ignored the unknown code; nothing to store
    return response
