"""5-fold cross-validation of the NLU pipeline; writes reports/crossval/ and prints the figures.

Targets: intent macro-F1 >= 0.95, entity F1 >= 0.90 (the learned entities: the rule-based ones from
the spaCy entity ruler are excluded by Rasa's evaluation, and tested in tests/bot).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys

from scripts.common import ROOT, VENV_BIN, run_with_progress, say

OUT = ROOT / "reports" / "crossval"
INTENT_TARGET, ENTITY_TARGET = 0.95, 0.90


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the fold shuffle (default 0: the same folds at every run)")
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    say(f"5-fold NLU cross-validation, folds shuffled with seed {args.seed} (about 6 minutes on 2 quiet cores)")
    run_with_progress("Cross-validation", [str(VENV_BIN / "python"), "-m", "scripts.seeded_rasa", str(args.seed),
                                           "test", "nlu", "--cross-validation", "--folds", "5",
                                           "--config", "config.yml", "--nlu", "data/nlu", "--out", str(OUT)],
                      OUT.parent / "crossval.log", r"Starting to train component|Epochs:.*\d+/\d+|fold")
    intents = json.loads((OUT / "intent_report.json").read_text())
    macro = intents["macro avg"]["f1-score"]
    lines = [f"Seed {args.seed}.", f"Intent classification: macro-F1 {macro:.3f}, weighted F1 "
             f"{intents['weighted avg']['f1-score']:.3f}, accuracy {intents.get('accuracy', 0):.3f} "
             f"(target macro-F1 >= {INTENT_TARGET})"]
    ok = macro >= INTENT_TARGET
    for report in sorted(OUT.glob("*Extractor_report.json")):
        data = json.loads(report.read_text())
        micro = data.get("micro avg", data.get("weighted avg"))["f1-score"]
        lines.append(f"{report.name.replace('_report.json', '')}: micro-F1 {micro:.3f}, macro-F1 "
                     f"{data['macro avg']['f1-score']:.3f} (target F1 >= {ENTITY_TARGET})")
        for entity, scores in sorted(data.items()):
            if isinstance(scores, dict) and "support" in scores and not entity.endswith("avg"):
                lines.append(f"    {entity:<12} F1 {scores['f1-score']:.3f}  support {scores['support']}")
        ok = ok and micro >= ENTITY_TARGET
    summary = "\n".join(lines)
    (OUT / "summary.txt").write_text(summary + "\n")
    print(summary)
    print(f"Reports: {OUT.relative_to(ROOT)}/")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
