from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from dsar.core.exceptions import ApplicationError

from .models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the interface language: e-mails and reminders are sent in it."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError("Unknown language.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def _require_admin(*, user: User, organization) -> None:
    from .models import Membership

    if not Membership.objects.filter(
        organization=organization, user=user, role=Membership.Role.ADMIN
    ).exists():
        raise ApplicationError(_("Only the organization's administrators can do this."))


@transaction.atomic
def organization_create(*, user: User, name: str):
    from django.utils.text import slugify

    from .models import Membership, Organization

    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the organization a name."), field="name")
    base = slugify(name)[:40] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    organization = Organization.objects.create(name=name, slug=slug)
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.ADMIN)
    return organization


@transaction.atomic
def membership_add(*, user: User, organization, email: str, role: str):
    from .models import Membership

    _require_admin(user=user, organization=organization)
    if role not in Membership.Role.values:
        raise ApplicationError(_("Choose a valid role."), field="role")
    member = User.objects.filter(email__iexact=email.strip()).first()
    if member is None:
        raise ApplicationError(
            _("No account uses this e-mail address. Ask your colleague to sign up first."),
            field="email",
        )
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=member, defaults={"role": role}
    )
    if not created:
        raise ApplicationError(_("This person is already a member."), field="email")
    return membership


@transaction.atomic
def membership_remove(*, user: User, membership) -> None:
    from .models import Membership

    _require_admin(user=user, organization=membership.organization)
    admins = Membership.objects.filter(
        organization=membership.organization, role=Membership.Role.ADMIN
    )
    if membership.role == Membership.Role.ADMIN and admins.count() == 1:
        raise ApplicationError(_("An organization needs at least one administrator."))
    membership.delete()
