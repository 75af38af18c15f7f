"""Shared fixtures: the project's spaCy pipeline and knowledge store, loaded once."""

from pathlib import Path

import pytest

from medinfo.language import load_pipeline
from medinfo.store import KnowledgeStore

PROJECT = Path(__file__).resolve().parent.parent
ARTICLE = PROJECT / "knowledge" / "sources" / "cervical_insufficiency.txt"
FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def store():
    return KnowledgeStore.load()


@pytest.fixture(scope="session")
def article_text():
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def channel_bot(tmp_path_factory):
    """One bot with every channel live (tests/channel_servers.py), shared by the channel
    tests so that Rasa starts once."""
    from channel_servers import serve_with_channels

    with serve_with_channels(tmp_path_factory.mktemp("channels")) as bot:
        yield bot
