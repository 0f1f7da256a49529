"""The force's PEEL inspection with two findings, and the people a plan names."""

import pytest

from tests.factories import FindingFactory, InspectionFactory, MembershipFactory, UserFactory


@pytest.fixture
def peel(force):
    return InspectionFactory(force=force, programme="PEEL 2023-25")


@pytest.fixture
def vetting(peel):
    return FindingFactory(
        inspection=peel,
        reference="AFI 1",
        text="The force should make sure all staff have the right level of vetting.",
    )


@pytest.fixture
def custody(peel):
    return FindingFactory(
        inspection=peel,
        reference="AFI 2",
        kind="area_for_improvement",
        text="The force should improve how it records the use of force in custody.",
        section="Custody",
        theme="custody",
    )


@pytest.fixture
def olivia(force):
    user = UserFactory(
        username="oowen",
        first_name="Olivia",
        last_name="Owen",
        email="olivia.owen@example.police.uk",
    )
    MembershipFactory(user=user, force=force, role="owner")
    return user
