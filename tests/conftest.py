"""Shared fixtures. Services (PostgreSQL) are required when REQUIRE_SERVICES=1 (CI): a missing
service is then a failure, not a skip."""
from __future__ import annotations

import os

import pytest

from bot import vocabulary

POSTGRES_URL = os.environ.get("BUSSOLA_TEST_POSTGRES_URL",
                              "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def require_service(name: str, error: Exception) -> None:
    message = f"{name} is not reachable ({error.__class__.__name__}: {error})"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def voc() -> vocabulary.Vocabulary:
    return vocabulary.default()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_URL, future=True)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # any driver or connection error means: no server
        require_service("PostgreSQL", error)
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_engine(request, tmp_path):
    """An engine on a fresh SQLite file, then on the PostgreSQL server: stores are tested on both."""
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'test.db'}" if request.param == "sqlite" \
        else request.getfixturevalue("postgres_url")
    engine = create_engine(url, future=True)
    yield engine
    engine.dispose()
