import io

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from dsar.audit.selectors import audit_for_account
from dsar.core.exceptions import ApplicationError, form_add_application_error

from . import selectors, services
from .forms import (
    AccountDeleteForm,
    ApiTokenForm,
    InvitationForm,
    OrganizationForm,
    RetentionForm,
)
from .models import Membership


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
        {
            "organizations": selectors.organization_list(user=request.user),
            "invitations": selectors.invitations_for(user=request.user),
            "form": form,
        },
    )


@login_required
def organization_detail(request, pk: int):
    organization = selectors.organization_get(user=request.user, organization_id=pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                user=request.user, organization=organization, **form.cleaned_data
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            # The same answer whether or not an account uses the address.
            messages.success(
                request,
                _("Invitation sent to %(email)s. They become a member once they accept it.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:organization", organization.pk)
    members = selectors.organization_members(organization=organization)
    is_admin = any(m.user_id == request.user.pk and m.role == "admin" for m in members)
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": organization,
            "members": members,
            "form": form,
            "is_admin": is_admin,
            "roles": Membership.Role.choices,
            "pending": selectors.organization_invitations(organization=organization)
            if is_admin
            else [],
        },
    )


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    invitation = selectors.invitation_get_for_admin(user=request.user, invitation_id=pk)
    try:
        services.invitation_revoke(user=request.user, invitation=invitation)
        messages.success(request, _("Invitation withdrawn."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:organization", invitation.organization_id)


@login_required
def invitation_accept(request, token: str):
    """The link in the invitation e-mail: shows the invitation, and accepts or declines it."""
    invitation = selectors.invitation_by_token(user=request.user, token=token)
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            services.invitation_answer(user=request.user, accept=accept, token=token)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:organizations")
        if accept:
            messages.success(
                request,
                _("You joined %(organization)s.")
                % {"organization": invitation.organization.name if invitation else ""},
            )
            return redirect("accounts:organization", invitation.organization_id)
        messages.success(request, _("Invitation declined."))
        return redirect("accounts:organizations")
    return render(request, "accounts/invitation.html", {"invitation": invitation})


@login_required
@require_POST
def invitation_answer(request, pk: int):
    """Accept or decline from the list of invitations in the application."""
    selectors.invitation_for_me(user=request.user, invitation_id=pk)
    accept = request.POST.get("answer") == "accept"
    try:
        membership = services.invitation_answer(user=request.user, accept=accept, invitation_id=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:organizations")
    if membership is not None:
        messages.success(
            request,
            _("You joined %(organization)s.") % {"organization": membership.organization.name},
        )
        return redirect("accounts:organization", membership.organization_id)
    messages.success(request, _("Invitation declined."))
    return redirect("accounts:organizations")


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


@login_required
@require_POST
def membership_role(request, pk: int):
    membership = selectors.membership_get(user=request.user, membership_id=pk)
    try:
        services.membership_set_role(
            user=request.user, membership=membership, role=request.POST.get("role", "")
        )
        messages.success(
            request,
            _("%(email)s's role is changed.") % {"email": membership.user.email},
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:organization", membership.organization_id)


@login_required
@require_POST
def organization_mfa(request, pk: int):
    organization = selectors.organization_get(user=request.user, organization_id=pk)
    required = request.POST.get("require_mfa") == "on"
    try:
        services.organization_set_mfa_required(
            user=request.user, organization=organization, required=required
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if required:
            messages.success(request, _("Members now need two-factor authentication."))
        else:
            messages.success(request, _("Two-factor authentication is now optional for members."))
    return redirect("accounts:organization", organization.pk)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """List, create and revoke API tokens. A new token is shown on this response only."""
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _row, new_token = services.api_token_create(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            form = ApiTokenForm()
    response = render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": selectors.api_token_list(user=request.user),
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


# --- my data: export, retention, audit, account deletion ------------------------------------


@login_required
def my_data(request):
    retention_form = RetentionForm(
        request.POST if request.POST.get("form") == "retention" else None,
        initial={"retention_days": request.user.retention_days},
    )
    if request.method == "POST" and request.POST.get("form") == "retention":
        if retention_form.is_valid():
            try:
                services.retention_set(
                    user=request.user, days=retention_form.cleaned_data["retention_days"]
                )
            except ApplicationError as exc:
                form_add_application_error(retention_form, exc)
            else:
                messages.success(request, _("Retention setting saved."))
                return redirect("data:my_data")
    return render(
        request,
        "accounts/my_data.html",
        {
            **_exports_context(request.user),
            "retention_form": retention_form,
            "delete_form": AccountDeleteForm(),
        },
    )


def _exports_context(user) -> dict:
    exports = list(selectors.data_exports(user=user))
    return {
        "exports": exports,
        "exports_pending": any(e.status in ("pending", "running") for e in exports),
    }


@login_required
def export_status(request):
    """The fragment htmx polls while an export is being prepared."""
    return render(request, "accounts/_exports.html", _exports_context(request.user))


@login_required
@require_POST
def export_request(request):
    services.data_export_request(user=request.user)
    messages.success(request, _("Your export is being prepared. This page shows when it is ready."))
    return redirect("data:my_data")


@login_required
def export_download(request, pk: int):

    export = selectors.data_export_get_ready(user=request.user, export_id=pk)
    response = FileResponse(
        io.BytesIO(export.read_content()),  # stored encrypted: hand out the decrypted zip
        as_attachment=True,
        filename=f"dsar-export-{export.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    services.api_token_revoke(user=request.user, token_id=pk)
    messages.success(request, _("Token revoked. Scripts using it can no longer connect."))
    return redirect("api_tokens:list")


@login_required
def my_audit(request):

    page = Paginator(audit_for_account(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "audit/account_audit.html", {"page": page, "show_case": True})


@login_required
def account_delete(request):

    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.account_delete(
                user=request.user, password=form.cleaned_data["password"]
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Your account was deleted: %(deleted)s personal case(s) deleted, "
                    "%(handed)s case(s) handed over to their organization."
                )
                % {"deleted": result["deleted"], "handed": result["handed_over"]},
            )
            return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})
