import pytest
import yaml
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ERROR_CODES = {"400", "401", "404", "429"}


def test_the_schema_documents_every_operation_and_its_errors():
    response = APIClient().get(reverse("api-schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "errors"}
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 30
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert {"400", "401", "429"} <= codes, (path, method)
        for code in codes - {"200", "201", "202"}:
            ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/Error"), (path, method, code)
        if "security" in operation and {} not in operation["security"]:
            assert {"403", "404"} <= codes, (path, method)
            if method in ("post", "patch"):
                assert "409" in codes, (path, method)
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()


def test_the_docs_page_loads_its_assets_from_this_site():
    response = APIClient().get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "https://" not in html.replace("https://swagger.io", "")
    assert "<script>" not in html and "<style>" not in html  # nothing inline: CSP allows it
    assert "script-src 'self'" in response["Content-Security-Policy"]
