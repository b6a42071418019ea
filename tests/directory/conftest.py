import pytest

from dsar.directory.services import directory_load


@pytest.fixture
def directory(db):
    """The directory loaded from its data file (transactional tests are flushed, so the data
    migration's rows cannot be relied on)."""
    return directory_load()
