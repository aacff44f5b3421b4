import pytest


@pytest.fixture
def world(db):
    from sampark.core.testing import build_world

    return build_world()


@pytest.fixture
def login_as(client):
    """Log the test client in as a person, through the session the pages use."""
    from sampark.people.middleware import SESSION_KEY

    def _login(person):
        from django.conf import settings

        session = client.session
        session[SESSION_KEY] = person.pk
        session.save()
        # Signed-cookie sessions live in the cookie itself: hand the saved one to the client.
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        client.cookies["sampark_lang"] = "hi"
        return client

    return _login


@pytest.fixture
def api_as(client):
    """A function giving request headers with a fresh personal API token for a person."""
    from sampark.people.auth import issue_token

    def _headers(person):
        return {"HTTP_AUTHORIZATION": "Bearer " + issue_token(None, person)}

    return _headers


@pytest.fixture(autouse=True)
def _policies_read_afresh():
    """Policies are kept in the process between reads: each test starts from its own database."""
    from sampark.core import policies

    policies.refresh()
