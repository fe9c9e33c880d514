"""The channel knowledge base: the reviewed data file, its validation, the database copy (SQLite and
PostgreSQL) and the command line."""
from __future__ import annotations

import copy
import hashlib
import threading

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import knowledge_base as kb_module
from bot import paths
from bot.knowledge_base import (AGE_BANDS, KINDS, MARKETS, Base, KnowledgeBaseError,
                                KnowledgeBaseStore, from_dict, from_file, main, read_file, validate)
from bot.profile import OBJECTIVES


@pytest.fixture(scope="module")
def raw():
    return read_file()


@pytest.fixture(scope="module")
def kb():
    return from_file()


def _channel(data, channel_id):
    return next(c for c in data["channels"] if c["id"] == channel_id)


# --- the real data file -------------------------------------------------------------------------

def test_the_data_file_is_valid_and_covers_every_kind(raw, voc, kb):
    assert validate(raw, voc) == []
    assert len(kb.channels) >= 45
    assert {k for c in kb.all() for k in c.kinds} == set(KINDS)
    assert [c.id for c in kb.all()] == sorted(kb.channels) == list(kb.channels)


def test_every_channel_is_complete(kb):
    for channel in kb.all():
        assert set(channel.strength) == set(MARKETS) and set(channel.objectives) == set(OBJECTIVES)
        assert set(channel.ages) <= set(AGE_BANDS) and channel.min_weekly_hours > 0
        for figure in channel.figures:
            assert figure.source.strip() and 2000 <= figure.year, (channel.id, figure)


def test_spot_checks(kb):
    linkedin, wechat, vk, doximity = (kb.get(c) for c in ("linkedin", "wechat", "vk", "doximity"))
    assert "professional" in linkedin.kinds and linkedin.strength_in("IT") == 3
    assert "local_entity" in wechat.requirements
    assert wechat.strength_in("CN") == 3 and wechat.strength_in("IT") <= 1
    assert "sanctions" in vk.requirements and vk.strength_in("RU") == 3
    assert [m for m in MARKETS if doximity.strength_in(m) > 0] == ["US"]
    assert not doximity.is_generalist() and kb.get("facebook").is_generalist()
    assert kb.get("nonexistent") is None


def test_a_market_without_its_own_strength_uses_other(kb):
    facebook = kb.get("facebook")
    assert facebook.strength_in("MX") == facebook.strength["other"] == 3
    assert kb.get("anobii").strength_in("MX") == 0


def test_figure_prefers_the_metrics_in_the_order_given(kb):
    facebook = kb.get("facebook")
    assert facebook.figure("IT").metric == "monthly_users" and facebook.figure("IT").value == 35_800_000
    share = facebook.figure("IT", metrics=("share_of_internet_users", "monthly_users"))
    assert share.metric == "share_of_internet_users" and share.value == 75
    assert facebook.figure("CN") is None
    assert kb.get("mastodon").figure("world") is None  # no verified figure: "non disponibile"


# --- validation catches each class of error -----------------------------------------------------

def _set(channel_id, *keys_and_value):
    """A breakage that sets raw[channel][k1][k2]... = value."""
    *keys, value = keys_and_value

    def apply(data):
        target = _channel(data, channel_id)
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return apply


def _delete(channel_id, *keys):
    def apply(data):
        target = _channel(data, channel_id)
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]
    return apply


def _append(channel_id, field, value):
    return lambda data: _channel(data, channel_id)[field].append(value)


def _keep_channels(count):
    def apply(data):
        data["channels"] = data["channels"][:count]
    return apply


def _replace_kind(old, new):
    def apply(data):
        for channel in data["channels"]:
            channel["kinds"] = [new if k == old else k for k in channel["kinds"]]
    return apply


# (breakage, words one problem must contain: the channel id and the field)
BREAKAGES = {
    "figure without source": (_delete("facebook", "figures", 0, "source"),
                              ["facebook", "figures[0].source"]),
    "year as a string": (_set("linkedin", "figures", 1, "year", "2024"), ["linkedin", "year"]),
    "year in the future": (_set("linkedin", "figures", 1, "year", 2999), ["linkedin", "year"]),
    "alias of another channel": (_append("instagram", "aliases", "fb"),
                                 ["instagram", "aliases", "'fb'", "facebook"]),
    "alias differing only by accents": (_append("tiktok", "aliases", "linkedìn"),
                                        ["tiktok", "aliases", "linkedin"]),
    "alias of a vocabulary place": (_append("subito", "aliases", "milano"),
                                    ["subito", "aliases", "place 'milano'"]),
    "upper-case alias": (_append("subito", "aliases", "Subito"), ["subito", "aliases", "lower case"]),
    "unknown sector": (_set("twitch", "sectors", ["astrologia"]), ["twitch", "sectors", "astrologia"]),
    "any with a sector": (_set("facebook", "sectors", ["any", "health"]), ["facebook", "sectors"]),
    "strength out of range": (_set("linkedin", "strength", "IT", 4), ["linkedin", "strength", "IT"]),
    "strength as a boolean": (_set("linkedin", "strength", "IT", True), ["linkedin", "strength"]),
    "missing market": (_delete("wechat", "strength", "CN"), ["wechat", "strength", "CN"]),
    "missing objective": (_delete("vk", "objectives", "traffico"), ["vk", "objectives", "traffico"]),
    "b2b out of range": (_set("xing", "audience", "b2b", -1), ["xing", "audience.b2b"]),
    "unknown age band": (_set("xing", "audience", "ages", ["30-40"]), ["xing", "audience.ages"]),
    "unknown requirement": (_set("weibo", "requirements", ["visa"]), ["weibo", "requirements"]),
    "no hours": (_set("etsy", "min_weekly_hours", 0), ["etsy", "min_weekly_hours"]),
    "empty description": (_set("etsy", "description", " "), ["etsy", "description"]),
    "missing listening": (_delete("etsy", "listening"), ["etsy", "listening"]),
    "bad id": (_set("etsy", "id", "Etsy Shop"), ["Etsy Shop", "id"]),
    "duplicate id": (_set("amazon", "id", "etsy"), ["etsy", "id", "another channel"]),
    "unknown metric": (_set("etsy", "figures", 0, "metric", "buyers"), ["etsy", "metric", "buyers"]),
    "too few channels": (_keep_channels(84), ["channels", "at least 85"]),
    "unknown kind": (_set("linkedin", "kinds", ["professional", "forum"]),
                     ["linkedin", "kinds", "forum"]),
    "kind no channel has": (_replace_kind("news", "social"), ["channels", "kind news"]),
}


@pytest.mark.parametrize("breakage, words", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_validate_names_the_channel_and_field_of_each_error(raw, voc, breakage, words):
    broken = copy.deepcopy(raw)
    breakage(broken)
    problems = validate(broken, voc)
    assert any(all(w in p for w in words) for p in problems), problems
    with pytest.raises(KnowledgeBaseError) as error:
        from_dict(broken)
    assert error.value.problems == problems


_ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6)


@pytest.mark.parametrize("field", kb_module.FIELDS + ("figure.value", "figure.year", "figure.text"))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_ANY_VALUE)
def test_validate_reports_any_wrong_value_instead_of_crashing(raw, voc, field, value):
    broken = {**raw, "channels": list(raw["channels"])}  # copy only what changes: many examples
    channel = broken["channels"][0] = copy.deepcopy(raw["channels"][0])  # one with figures
    target = channel["figures"][0] if field.startswith("figure.") else channel
    target[field.split(".")[-1]] = value
    problems = validate(broken, voc)  # must not raise, whatever the value
    try:
        from_dict(broken)
    except KnowledgeBaseError as error:
        assert error.problems == problems and problems
    else:
        assert problems == []


def test_a_repeated_yaml_key_is_an_error_not_a_silent_overwrite(tmp_path):
    path = tmp_path / "channels.yml"
    path.write_text('version: "1"\nversion: "2"\nreviewed: "2026-01-01"\nchannels: []\n')
    with pytest.raises(KnowledgeBaseError, match="duplicate key 'version'"):
        read_file(path)


# --- the database copy --------------------------------------------------------------------------

@pytest.fixture
def engine(db_engine):
    Base.metadata.drop_all(db_engine)  # a run stopped half-way may have left tables behind
    yield db_engine
    Base.metadata.drop_all(db_engine)  # leave the shared PostgreSQL database clean


@pytest.fixture
def store(engine):
    return KnowledgeBaseStore(engine)


def _changed_copy(tmp_path, channel_id, description):
    raw = read_file()
    _channel(raw, channel_id)["description"] = description
    path = tmp_path / "channels.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_load_is_idempotent_and_read_round_trips(store, kb):
    assert store.stored_hash() is None
    assert store.load() is True
    assert store.stored_hash() == hashlib.sha256(paths.CHANNELS_FILE.read_bytes()).hexdigest()
    assert store.load() is False
    assert store.read() == kb


def test_tables_of_an_older_release_are_rebuilt(engine, kb):
    # a release before issue 15 had no `offerings` column: the copy is dropped and loaded again
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE kb_channels (id VARCHAR(64) PRIMARY KEY, name TEXT)"))
    store = KnowledgeBaseStore(engine)
    assert store.load() is True and store.read() == kb


def test_marketplaces_directories_and_verticals_say_what_they_serve(raw, voc):
    broken = copy.deepcopy(raw)
    subito = _channel(broken, "subito")
    subito["offerings"] = ["any"]
    assert any("subito, offerings: a marketplace serves some offerings only" in p for p in validate(broken, voc))
    subito["offerings"] = ["usato"]
    del subito["serves"]
    assert any("subito, serves: missing" in p for p in validate(broken, voc))
    for channel in raw["channels"]:
        if set(channel["kinds"]) & {"marketplace", "directory", "vertical"}:
            assert channel["offerings"] != ["any"] and channel["serves"], channel["id"]


def test_a_changed_file_replaces_the_stored_one(store, tmp_path, kb):
    store.load()
    changed = _changed_copy(tmp_path, "facebook", "Descrizione rivista.")
    assert store.load(changed) is True
    stored = store.read()
    assert stored.get("facebook").description == "Descrizione rivista."
    assert stored.get("linkedin") == kb.get("linkedin") and len(stored.channels) == len(kb.channels)
    assert store.load(changed) is False


def test_an_invalid_file_leaves_the_stored_one_untouched(store, tmp_path, kb):
    store.load()
    broken = read_file()
    _channel(broken, "linkedin")["strength"]["IT"] = 9
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="linkedin"):
        store.load(path)
    assert store.read() == kb


def test_a_failure_half_way_rolls_the_whole_load_back(store, tmp_path, kb, monkeypatch):
    store.load()
    changed = _changed_copy(tmp_path, "facebook", "Mai salvata.")

    def failing(_kb):  # runs after the old rows are deleted and the new channels inserted
        raise RuntimeError("disk full")
    monkeypatch.setattr(kb_module, "_figure_rows", failing)
    with pytest.raises(RuntimeError):
        store.load(changed)
    assert store.read() == kb


def test_concurrent_loads_store_the_file_once(store, kb):
    barrier, results, errors = threading.Barrier(4), [], []

    def load():
        barrier.wait()
        try:
            results.append(store.load())
        except Exception as error:  # reported below: a race must not crash a worker
            errors.append(error)
    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(results) == [False, False, False, True]
    assert store.read() == kb


def test_reading_an_empty_store_says_how_to_load(store):
    with pytest.raises(KnowledgeBaseError, match="python -m bot.knowledge_base load"):
        store.read()


def test_default_loads_once_per_process(tmp_path, monkeypatch, kb):
    monkeypatch.setenv("BUSSOLA_DATABASE_URL", f"sqlite:///{tmp_path / 'default.db'}")
    kb_module.default.cache_clear()
    try:
        first = kb_module.default()
        assert first == kb and kb_module.default() is first
    finally:
        kb_module.default.cache_clear()


# --- command line -------------------------------------------------------------------------------

def test_cli_validates_the_data_file(capsys, kb):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.strip() == f"OK: {len(kb.channels)} channels, version {kb.version}"


def test_cli_reports_the_problems_of_a_broken_file(tmp_path, capsys):
    broken = read_file()
    del _channel(broken, "vk")["objectives"]["vendite"]
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert "channel vk, objectives: missing vendite" in capsys.readouterr().out


def test_cli_reports_a_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "none.yml")]) == 1
    assert "none.yml" in capsys.readouterr().out


def test_cli_load_is_idempotent(tmp_path, capsys, kb):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["load", "--url", url]) == 0
    assert capsys.readouterr().out.strip() == f"loaded {len(kb.channels)} channels"
    assert main(["load", "--url", url]) == 0
    assert capsys.readouterr().out.strip() == "already up to date"
