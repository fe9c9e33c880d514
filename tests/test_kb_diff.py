"""`make kb-diff`: how persona plans change between two knowledge-base files."""
from __future__ import annotations

import yaml

from bot.paths import CHANNELS_FILE
from scripts import kb_diff


def test_the_same_file_changes_no_plan(capsys):
    assert kb_diff.main([str(CHANNELS_FILE), str(CHANNELS_FILE)]) == 0
    assert "0 of " in capsys.readouterr().out


def test_an_edit_shows_the_personas_whose_plan_changes(tmp_path, capsys):
    raw = yaml.safe_load(CHANNELS_FILE.read_text(encoding="utf-8"))
    linkedin = next(c for c in raw["channels"] if c["id"] == "linkedin")
    linkedin["strength"]["IT"] = 0  # as if LinkedIn vanished from Italy
    edited = tmp_path / "channels.yml"
    edited.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert kb_diff.main([str(CHANNELS_FILE), str(edited)]) == 0
    out = capsys.readouterr().out
    assert "lawyer seeking company clients" in out and "no longer meets its expectations" in out


def test_an_invalid_file_is_reported_not_crashed(tmp_path, capsys):
    broken = tmp_path / "broken.yml"
    broken.write_text("version: x\nchannels: []\n", encoding="utf-8")
    assert kb_diff.main([str(broken)]) == 2
    assert "does not validate" in capsys.readouterr().err


def test_a_file_of_an_earlier_release_is_compared_as_the_current_schema_reads_it():
    """Before issue 15 channels had no `offerings`: such a file is read with every channel serving
    any offering (and without the current minimum count), so its plans can be compared."""
    from bot import knowledge_base

    raw = knowledge_base.read_file()
    old = {**raw, "channels": [{k: v for k, v in c.items() if k not in ("offerings", "serves")}
                               for c in raw["channels"][:54]]}
    assert knowledge_base.validate(old)  # not loadable as it is
    kb = knowledge_base.from_dict(knowledge_base.upgrade(old), legacy=True)
    assert len(kb.channels) == 54 and kb.get("subito").offerings == ("any",)
