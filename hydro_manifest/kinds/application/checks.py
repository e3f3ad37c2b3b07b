"""Document checks of `kind: Application`."""

from __future__ import annotations

from collections.abc import Iterator

from ... import spec
from ...diagnostics import Finding, Target
from ..values import Check, Document, is_integer, sequence
from .rules import EMPTY_STAGE, SINGULAR_OR_PIPELINE, STAGE_WEIGHTS


def singular_or_pipeline(doc: Document) -> Iterator[Finding]:
    singular, pipeline = doc.get("singular"), doc.get("pipeline")
    if singular is not None and pipeline not in (None, []):
        yield Finding(
            SINGULAR_OR_PIPELINE,
            "the application has both `singular` and `pipeline`",
            ("pipeline",),
            "keep one: `singular` for one model, `pipeline` for stages",
            Target.KEY,
        )
    elif singular is None and pipeline == []:
        yield Finding(
            EMPTY_STAGE,
            "the pipeline has no stages",
            ("pipeline",),
            "add a stage: `- - model: name:1`",
        )
    elif singular is None and pipeline is None:
        present = "" if "singular" not in doc else " (`singular` is empty)"
        yield Finding(
            SINGULAR_OR_PIPELINE,
            f"the application has neither `singular` nor `pipeline`{present}",
            ("singular",),
            "add `singular: {model: name:1}` or a `pipeline` of stages",
            Target.PARENT,
        )


def stage_weights(doc: Document) -> Iterator[Finding]:
    for index, stage in enumerate(sequence(doc.get("pipeline"))):
        variants = sequence(stage)
        if not variants or not all(isinstance(v, dict) for v in variants):
            continue
        weights = [v.get("weight", spec.DEFAULT_VARIANT_WEIGHT) for v in variants]
        if not all(is_integer(w) for w in weights) or sum(weights) == spec.STAGE_WEIGHT_TOTAL:
            continue
        omitted = sum("weight" not in v for v in variants)
        terms = " + ".join(str(w) for w in weights)
        yield Finding(
            STAGE_WEIGHTS,
            f"the weights of stage {index + 1} add up to {sum(weights)} ({terms}); "
            f"they must add up to {spec.STAGE_WEIGHT_TOTAL}",
            ("pipeline", index),
            "an omitted weight counts as 100" if omitted else "adjust the weights",
        )


CHECKS: tuple[Check, ...] = (singular_or_pipeline, stage_weights)
