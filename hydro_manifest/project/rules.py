"""Rules of the checks across documents: references, pipeline stages that must fit,
A/B variants, duplicate names.

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ..rules import APPLICATION_EXAMPLE, ERROR, MODEL_EXAMPLE, NOTE, WARNING, L, model_example, rule

_RISK = "    risk: {shape: scalar, type: double, profile: numerical}\n"
_DECISION = "    decision: {shape: scalar, type: string, profile: categorical}\n"
_SCORER = model_example("scorer", _RISK, _DECISION)
_CLAIMS = (
    model_example("claims", "    amount: {shape: scalar, type: double, profile: numerical}\n", _RISK)
    + "---\n"
    + _SCORER
)
_CLAIMS_PIPELINE = _CLAIMS + """\
---
kind: Application
name: claims-pipeline
pipeline:
  - - model: claims:1
  - - model: scorer:1
"""
_AB = _CLAIMS.replace("name: scorer", "name: scorer-b") + "---\n" + _SCORER + """\
---
kind: Application
name: scorer-ab
pipeline:
  - - model: scorer:1
      weight: 50
    - model: scorer-b:1
      weight: 50
"""
UNRESOLVED_MODEL = rule(
    "HY601", "unresolved-model", L.LINT, NOTE,
    "a model reference with no Model of that name in the linted files",
    """
`hydro lint` resolves `singular`, pipeline and `monitoring-model` references to the Models
it reads (by name: versions exist only on the cluster). A name it cannot find may still be
on the cluster, so this is a note; a misspelt name shows up here first.
""",
    bad=_CLAIMS_PIPELINE.replace("model: scorer:1", "model: scorrer:1"),
    good=_CLAIMS_PIPELINE,
    across_documents=True,
)
UNRESOLVED_DEPLOYMENT_CONFIGURATION = rule(
    "HY602", "unresolved-deployment-config", L.LINT, NOTE,
    "a `deployment-config` with no DeploymentConfiguration of that name in the linted files",
    """
An application's `deployment-config` must name a DeploymentConfiguration on the cluster
(APP-8), or `hydrosphere_manager_default`. One that is not among the linted files may
already exist there, so this is a note.
""",
    bad=_CLAIMS_PIPELINE.replace(
        "  - - model: claims:1\n", "  - - model: claims:1\n      deployment-config: large\n"
    ),
    good=_CLAIMS_PIPELINE.replace(
        "  - - model: claims:1\n",
        "  - - model: claims:1\n      deployment-config: hydrosphere_manager_default\n",
    ),
    across_documents=True,
)
PIPELINE_FIELD_MISSING = rule(
    "HY603", "pipeline-field-missing", L.LINT, ERROR,
    "a pipeline stage needs an input the stage before it does not produce",
    """
In a pipeline, each stage receives the outputs of the stage before it. The manager never
checks that they fit (APP-7): the application deploys, and every request fails at the
stage whose input is missing. Checked when both models are in the linted files.
""",
    bad=_CLAIMS_PIPELINE.replace("    risk: {shape: scalar, type: double, profile: numerical}\n  outputs:\n    decision",
                                 "    score: {shape: scalar, type: double, profile: numerical}\n  outputs:\n    decision"),
    good=_CLAIMS_PIPELINE,
    across_documents=True,
)
PIPELINE_FIELD_MISMATCH = rule(
    "HY604", "pipeline-field-mismatch", L.LINT, ERROR,
    "a pipeline stage's input has another type or shape than the output that feeds it",
    """
The output of one stage is passed by name to the next. If its type differs, or its shape
cannot match (another rank, or two different fixed sizes; `-1` matches any size), the
request fails between the stages, after the application was deployed (APP-7).
""",
    bad=_CLAIMS_PIPELINE.replace(
        "    risk: {shape: scalar, type: double, profile: numerical}\n  outputs:\n    decision",
        "    risk: {shape: scalar, type: float32, profile: numerical}\n  outputs:\n    decision",
    ),
    good=_CLAIMS_PIPELINE,
    across_documents=True,
)
VARIANT_SIGNATURE = rule(
    "HY605", "variant-signature", L.MANAGER, ERROR,
    "the variants of one pipeline stage have different signature names",
    """
All variants of a stage (an A/B split) must have the same contract `name`; the manager
refuses the application otherwise: "Model Versions ... have different signature names"
(APP-6).
""",
    bad=_AB.replace("name: scorer-b\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.0\npayload: [src/]\ncontract:\n  name: predict",
                    "name: scorer-b\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.0\npayload: [src/]\ncontract:\n  name: score"),
    good=_AB,
    across_documents=True,
)
VARIANT_FIELDS = rule(
    "HY606", "variant-fields", L.MANAGER, ERROR,
    "the variants of one pipeline stage have fields that cannot be merged",
    """
The manager merges the contracts of a stage's variants field by field, by position: where
two variants have a field of the same name at the same position, its type must be the same
and its shapes compatible (same rank, equal sizes or `-1`). Otherwise it refuses the
application with "Errors while merging signatures" (APP-6).
""",
    bad=_AB.replace("    decision: {shape: scalar, type: string, profile: categorical}\n---\nkind: Application",
                    "    decision: {shape: [2], type: string, profile: categorical}\n---\nkind: Application"),
    good=_AB,
    across_documents=True,
)
DUPLICATE_CONFIGURATION = rule(
    "HY607", "duplicate-configuration", L.MANAGER, ERROR,
    "two DeploymentConfigurations with one name",
    """
DeploymentConfiguration names are unique and configurations are immutable: the second
`hs apply` of a name fails with "DeploymentConfiguration ... already exists" (NAME-4).
""",
    bad="kind: DeploymentConfiguration\nname: small\ndeployment:\n  replicaCount: 1\n---\n"
    "kind: DeploymentConfiguration\nname: small\ndeployment:\n  replicaCount: 2\n",
    good="kind: DeploymentConfiguration\nname: small\ndeployment:\n  replicaCount: 1\n---\n"
    "kind: DeploymentConfiguration\nname: large\ndeployment:\n  replicaCount: 2\n",
    across_documents=True,
)
DUPLICATE_APPLICATION = rule(
    "HY608", "duplicate-application", L.LINT, WARNING,
    "two Applications with one name",
    """
`hs apply` deletes an existing application of the same name and creates the new one
(APP-10): of two Applications with one name in a repository, the one applied last wins.
""",
    bad=MODEL_EXAMPLE + "---\n" + APPLICATION_EXAMPLE + "---\n" + APPLICATION_EXAMPLE.replace("census:1", "census:2"),
    good=MODEL_EXAMPLE + "---\n" + APPLICATION_EXAMPLE + "---\n" + APPLICATION_EXAMPLE.replace("census-app", "census-app-v2"),
    across_documents=True,
)
