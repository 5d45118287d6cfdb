"""Factories for users with roles and representations."""

from __future__ import annotations

import factory

from resurs.accounts.models import Representation, RoleAssignment, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Анна"
    last_name = factory.Sequence(lambda n: f"Сидорова{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """Accounts made by an administrator have a verified address (``verified_email=False`` for one that
        must still verify it, as after self sign-up)."""
        if create and self.email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(
                user=self, email=self.email, verified=extracted is not False, primary=True
            )


def user_with_role(role: str, centre=None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, centre=centre)
    return user


def representative_of(organisation, **kwargs) -> User:
    from resurs.accounts.choices import Role

    user = user_with_role(Role.NGO_REPRESENTATIVE, **kwargs)
    Representation.objects.create(user=user, organisation=organisation)
    return user
