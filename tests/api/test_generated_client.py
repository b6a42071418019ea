"""A client generated from the published schema (openapi-python-client, at test time into a
temporary folder; no generated code is kept) works against the running server: it lists
cases, records an event and downloads a letter."""

import importlib
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from dsar.accounts import services as account_services
from dsar.letters import registry
from tests.letters.factories import ago, make_proceeding, sample_inputs

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = """post_hooks: []
package_name_override: dsar_client
content_type_overrides:
  application/pdf: application/octet-stream
  "*/*": application/octet-stream
"""


@pytest.fixture
def dsar_client(tmp_path: Path):
    schema = tmp_path / "schema.json"
    schema.write_bytes(Client().get("/api/schema/", {"format": "json"}).content)
    (tmp_path / "config.yaml").write_text(CONFIG)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / "dsar_client"),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yaml"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("dsar_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "dsar_client" or m.startswith("dsar_client.")]:
            del sys.modules[name]


def test_generated_client_lists_cases_records_an_event_and_downloads_a_letter(
    dsar_client, live_server, user
):
    from dsar_client.api.cases import cases_list
    from dsar_client.api.letters import letters_create, letters_pdf_retrieve, letters_retrieve
    from dsar_client.api.proceedings import proceedings_events_create
    from dsar_client.models import (
        EventCreateRequest,
        EventKindEnum,
        LetterRequestCreateRequest,
        LetterRequestCreateRequestInputs,
    )

    proceeding = make_proceeding(user)
    _row, token = account_services.api_token_create(user=user, name="generated client")
    client = dsar_client.AuthenticatedClient(base_url=live_server.url, token=token)

    cases = cases_list.sync(client=client)
    assert cases.count == 1 and cases.results[0].id == proceeding.case_id

    recorded = proceedings_events_create.sync(
        id=proceeding.pk,
        client=client,
        body=EventCreateRequest(kind=EventKindEnum.RECEIVED, occurred_on=ago(40)),
    )
    assert recorded.event.kind == EventKindEnum.RECEIVED
    assert recorded.proceeding.status == "in_progress" and recorded.proceeding.clocks

    inputs = {k: str(v) for k, v in sample_inputs(registry.letter_spec("foia-access")).items()}
    letter = letters_create.sync(
        client=client,
        body=LetterRequestCreateRequest(
            proceeding=proceeding.pk,
            code="foia-access",
            language="en",
            inputs=LetterRequestCreateRequestInputs.from_dict(inputs),
        ),
    )
    deadline = time.monotonic() + 60
    while letter.status != "ready" and time.monotonic() < deadline:
        time.sleep(0.5)
        letter = letters_retrieve.sync(id=letter.id, client=client)
    assert letter.status == "ready", letter.error
    pdf = letters_pdf_retrieve.sync(id=letter.id, client=client)
    assert pdf.payload.read().startswith(b"%PDF")
