import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
pytestmark = pytest.mark.django_db
@pytest.mark.parametrize("url", ["/setup/", "/setup/levels/", "/setup/reports/", "/setup/reports/1/", "/setup/difficulties/", "/setup/policies/", "/setup/teams/"])
def test_q(world, login_as, client, url):
    from sampark.reports.models import ReportType
    if url.endswith("1/"):
        url = f"/setup/reports/{ReportType.objects.first().pk}/"
    login_as(world.centre_admin)
    client.get(url)
    with CaptureQueriesContext(connection) as c:
        r = client.get(url)
    print(url, r.status_code, len(c.captured_queries))
