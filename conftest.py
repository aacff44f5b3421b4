import pytest


@pytest.fixture
def world(db):
    from tests.personas import build_world

    return build_world()


@pytest.fixture
def login_as(client):
    """Log the test client in as a person (in Hindi unless told), through the session the pages use."""
    from tests.personas import log_in

    def _login(person, lang: str = "hi"):
        return log_in(client, person, lang)

    return _login


@pytest.fixture
def api_as(client):
    """A function giving request headers with a fresh personal API token for a person."""
    from sampark.people.auth import issue_token
    from sampark.people.twofactor import status
    from tests.personas import consent_to_notice, enrol_authenticator

    def _headers(person, *, consent: bool = True):
        if status(person, fresh=True).required and not status(person).enrolled:
            enrol_authenticator(person)  # a leader's token works once they have a second factor
        if consent:
            consent_to_notice(person)  # and once they have consented to the privacy notice
        return {"HTTP_AUTHORIZATION": "Bearer " + issue_token(None, person)}

    return _headers


@pytest.fixture(autouse=True)
def _policies_read_afresh():
    """Policies are kept in the process between reads: each test starts from its own database."""
    from sampark.core import policies

    policies.refresh()


@pytest.fixture(autouse=True)
def _teams_read_afresh():
    """Teams are kept in the process too: each test starts from the seeded ones, as its database does."""
    from sampark.people import teams

    teams.assume_seeded()


@pytest.fixture(autouse=True)
def _sms_delivered_afresh():
    """Each test reads only the messages it caused (tests run with the in-memory SMS channel)."""
    from sampark.core.channels import MemorySMS

    MemorySMS.delivered.clear()


@pytest.fixture(autouse=True)
def _second_factor_status_read_afresh():
    """Who must give a second factor is kept in the process for a minute: each test reads its own."""
    from sampark.people.twofactor import forget_status

    forget_status()


@pytest.fixture(autouse=True)
def _consent_read_afresh():
    """Who has consented is kept in the process for a minute, by person id: each test reads its own."""
    from sampark.people.consent import forget

    forget()


@pytest.fixture(autouse=True)
def _attention_counts_afresh():
    """The navigation's counts are kept briefly per person id: ids repeat from test to test."""
    from django.core.cache import cache

    cache.clear()
