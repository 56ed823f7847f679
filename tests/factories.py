import factory
from django.contrib.auth import get_user_model

from clusters.models import (
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    EmulationProgram,
    Membership,
    Officer,
    OfficerRole,
    Organization,
    OrganizationKind,
    ParentPeriod,
)
from clusters.services import create_default_program


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Liên đoàn Lao động huyện Số {n}")
    kind = OrganizationKind.DISTRICT
    locality = factory.Sequence(lambda n: f"Huyện {n}")

    @factory.post_generation
    def parent(self, create, extracted, **kwargs):
        if create and extracted is not None:
            ParentPeriod.objects.create(organization=self, parent=extracted, **kwargs)


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    organizer = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.PROVINCIAL)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Cụm thi đua số {o.number}")
    code = factory.Sequence(lambda n: f"cum-{n}")


class ClusterYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterYear
        skip_postgeneration_save = True

    cluster = factory.SubFactory(ClusterFactory)
    year = 2024
    status = ClusterYearStatus.OPEN

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            for org in extracted:
                Membership.objects.create(cluster_year=self, organization=org)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    cluster_year = factory.SubFactory(ClusterYearFactory)
    organization = factory.SubFactory(OrganizationFactory)


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = OfficerRole.STAFF


class ProgramFactory(factory.django.DjangoModelFactory):
    """A programme built as the application ships it (`create_default_program`)."""

    class Meta:
        model = EmulationProgram

    organizer = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.PROVINCIAL)
    year = 2024

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_default_program(**kwargs)
