"""The maturity questionnaire: loading, validating answers, scoring per pillar.

The questions live in ``questionnaire.yaml`` beside this module (data, not code), so a
consultant can reword or add a question without touching the scoring. Every option
scores 0..3, the index of the maturity stage it describes, which keeps the answer score
and the data score (``empathos.assess.evidence``) on one scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "PILLARS",
    "STAGES",
    "AnswerError",
    "Option",
    "Question",
    "Questionnaire",
    "load_answers",
    "load_questionnaire",
    "pillar_answer_scores",
]

STAGES: tuple[str, ...] = ("transactional", "interaction", "engagement", "empathy")
PILLARS: tuple[str, ...] = ("business_value", "culture", "leadership", "technology")
BLIND_SPOTS: tuple[str, ...] = (
    "cost_cutting",
    "investors_over_customers",
    "no_personalisation",
    "data_unused",
    "static_plans",
    "static_management",
)


class AnswerError(ValueError):
    """Answers that do not fit the questionnaire (unknown question or option)."""


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    score: int = field(
        metadata={"description": "0 transactional, 1 interaction, 2 engagement, 3 empathy"}
    )


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    pillar: str
    text: str
    options: tuple[Option, ...]
    blind_spot: str | None = None

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise AnswerError(
            f"question {self.id!r}: unknown option {option_id!r}; "
            f"choose one of {', '.join(o.id for o in self.options)}"
        )


@dataclass(frozen=True, slots=True)
class Questionnaire:
    version: str
    stages: tuple[str, ...]
    pillars: dict[str, str]  # id -> title
    questions: tuple[Question, ...]
    by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def question(self, question_id: str) -> Question:
        try:
            return self.by_id[question_id]
        except KeyError:
            raise AnswerError(f"unknown question {question_id!r}") from None

    def validate(self, answers: dict[str, str]) -> dict[str, Option]:
        """The chosen option of every answered question; unknown ids fail loudly."""
        return {qid: self.question(qid).option(str(oid)) for qid, oid in answers.items()}

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the API and the web form."""
        return {
            "version": self.version,
            "stages": list(self.stages),
            "pillars": dict(self.pillars),
            "questions": [
                {
                    "id": q.id,
                    "pillar": q.pillar,
                    "text": q.text,
                    "blind_spot": q.blind_spot,
                    "options": [
                        {"id": o.id, "label": o.label, "score": o.score} for o in q.options
                    ],
                }
                for q in self.questions
            ],
        }


def parse_questionnaire(data: dict[str, Any]) -> Questionnaire:
    """Build and check a questionnaire from its YAML data (raises ``ValueError``)."""
    stages = tuple(data.get("stages", STAGES))
    if stages != STAGES:
        raise ValueError(f"questionnaire stages must be {STAGES}, got {stages}")
    pillars = dict(data["pillars"])
    if tuple(pillars) != PILLARS:
        raise ValueError(f"questionnaire pillars must be {PILLARS}, got {tuple(pillars)}")
    questions = []
    for q in data["questions"]:
        if q["pillar"] not in pillars:
            raise ValueError(f"question {q['id']}: unknown pillar {q['pillar']!r}")
        if q.get("blind_spot") not in (None, *BLIND_SPOTS):
            raise ValueError(f"question {q['id']}: unknown blind spot {q['blind_spot']!r}")
        options = tuple(
            Option(str(o["id"]), str(o["label"]), int(o["score"])) for o in q["options"]
        )
        if not options or any(not 0 <= o.score < len(STAGES) for o in options):
            raise ValueError(f"question {q['id']}: option scores must be 0..{len(STAGES) - 1}")
        questions.append(
            Question(str(q["id"]), q["pillar"], str(q["text"]), options, q.get("blind_spot"))
        )
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError("questionnaire: duplicate question ids")
    missing = set(PILLARS) - {q.pillar for q in questions}
    if missing:
        raise ValueError(f"questionnaire: no question for pillar(s) {sorted(missing)}")
    return Questionnaire(
        str(data.get("version", "1")),
        stages,
        pillars,
        tuple(questions),
        {q.id: q for q in questions},
    )


@lru_cache(maxsize=4)
def load_questionnaire(path: str | None = None) -> Questionnaire:
    """The shipped questionnaire (or the YAML file at ``path``)."""
    if path is None:
        text = (resources.files("empathos.assess") / "questionnaire.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return parse_questionnaire(yaml.safe_load(text))


def load_answers(path: Path) -> dict[str, str]:
    """Answers from a YAML/JSON file: a mapping ``question id: option id`` (optionally
    under an ``answers:`` key, so a file can carry a comment block or metadata)."""
    data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise AnswerError(f"{path}: expected a mapping of question id to option id")
    return {str(k): str(v) for k, v in data.items()}


def pillar_answer_scores(q: Questionnaire, answers: dict[str, str]) -> dict[str, float | None]:
    """Mean option score per pillar over the answered questions (None: none answered).

    A mean, not a sum, so a pillar with an unanswered question is not punished for it;
    the result says how many were answered."""
    chosen = q.validate(answers)
    out: dict[str, float | None] = {}
    for pillar in PILLARS:
        scores = [chosen[x.id].score for x in q.questions if x.pillar == pillar and x.id in chosen]
        out[pillar] = sum(scores) / len(scores) if scores else None
    return out
