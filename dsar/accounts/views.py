from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from dsar.core.exceptions import ApplicationError, form_add_application_error

from . import selectors, services
from .forms import MemberForm, OrganizationForm


@require_POST
def set_language(request):
    """Django's language switch, which also stores the choice on the signed-in user."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        try:
            services.user_set_language(user=request.user, language=request.POST.get("language", ""))
        except ApplicationError:
            pass  # Django's view already ignored the unknown code; nothing to store
    return response


@login_required
def organizations(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Organization created."))
            return redirect("accounts:organization", organization.pk)
    return render(
        request,
        "accounts/organizations.html",
        {"organizations": selectors.organization_list(user=request.user), "form": form},
    )


@login_required
def organization_detail(request, pk: int):
    organization = selectors.organization_get(user=request.user, organization_id=pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(
                user=request.user, organization=organization, **form.cleaned_data
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect("accounts:organization", organization.pk)
    members = selectors.organization_members(organization=organization)
    is_admin = any(m.user_id == request.user.pk and m.role == "admin" for m in members)
    return render(
        request,
        "accounts/organization_detail.html",
        {"organization": organization, "members": members, "form": form, "is_admin": is_admin},
    )


@login_required
@require_POST
def membership_remove(request, pk: int):
    membership = selectors.membership_get(user=request.user, membership_id=pk)
    try:
        services.membership_remove(user=request.user, membership=membership)
        messages.success(request, _("Member removed."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:organization", membership.organization_id)
