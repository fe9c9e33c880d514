"""How the plans of the fixed persona set (data/personas.yml) change between two versions of the
knowledge base data file, so that an edit to the knowledge base is reviewed by its effect on real
recommendations.

    python -m scripts.kb_diff                      # HEAD's data/kb/channels.yml -> working copy
    python -m scripts.kb_diff --rev HEAD~3         # that commit's file -> working copy
    python -m scripts.kb_diff OLD.yml [NEW.yml]    # two files
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import yaml

from bot import knowledge_base, personas, vocabulary
from bot.paths import CHANNELS_FILE, ROOT
from bot.recommend import recommend


def _kb_from_rev(rev: str) -> knowledge_base.KnowledgeBase:
    text = subprocess.run(["git", "show", f"{rev}:{CHANNELS_FILE.relative_to(ROOT).as_posix()}"],
                          cwd=ROOT, capture_output=True, text=True, check=True).stdout
    # an earlier release's file, read as the current schema reads it (channels without `offerings`
    # served any offering) so that its plans can be compared
    return knowledge_base.from_dict(knowledge_base.upgrade(yaml.safe_load(text)), legacy=True)


def describe(plan) -> str:
    channels = ", ".join(f"{c.id} {c.score:g}" for c in plan.channels) or "none"
    flag = " | specialist: " + ", ".join(r["code"] for r in plan.specialist_reasons) \
        if plan.specialist_advised else ""
    return channels + flag


def diff(old: knowledge_base.KnowledgeBase, new: knowledge_base.KnowledgeBase) -> int:
    voc = vocabulary.default()
    changed = 0
    print(f"Knowledge base {old.version} -> {new.version}: {len(old.channels)} -> {len(new.channels)} channels")
    added = sorted(set(new.channels) - set(old.channels))
    removed = sorted(set(old.channels) - set(new.channels))
    if added or removed:
        print(f"  channels added: {', '.join(added) or '-'}; removed: {', '.join(removed) or '-'}")
    for persona in personas.load():
        before, after = recommend(persona.profile, old, voc), recommend(persona.profile, new, voc)
        if {**before.payload(), "kb_version": None} == {**after.payload(), "kb_version": None}:
            continue  # the same plan; only the version it names changed
        changed += 1
        print(f"\n{persona.name}\n  before: {describe(before)}\n  after:  {describe(after)}")
        missing = persona.any_of and not ({c.id for c in after.channels} & persona.any_of)
        forbidden = {c.id for c in after.channels} & persona.must_not
        if missing or forbidden or after.specialist_advised != persona.specialist_advised:
            print("  ! no longer meets its expectations (tests/bot/test_recommend.py will fail)")
    total = len(personas.load())
    print(f"\n{changed} of {total} personas get a different plan.")
    return 0


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="OLD [NEW] data files")
    parser.add_argument("--rev", default="HEAD", help="git revision of the old file (default HEAD)")
    args = parser.parse_args(argv)
    try:
        old = knowledge_base.from_file(args.files[0]) if args.files else _kb_from_rev(args.rev)
        new = knowledge_base.from_file(args.files[1]) if len(args.files) > 1 else knowledge_base.from_file()
    except knowledge_base.KnowledgeBaseError as error:
        shown = error.problems[:5] or [str(error).splitlines()[0]]
        more = f"\n  … and {len(error.problems) - 5} more" if len(error.problems) > 5 else ""
        print("A knowledge base file does not validate against the current schema:\n  "
              + "\n  ".join(shown) + more, file=sys.stderr)
        return 2
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"Cannot read a knowledge base: {error}", file=sys.stderr)
        return 2
    return diff(old, new)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
