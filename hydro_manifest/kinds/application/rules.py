"""Rules of `kind: Application`: its name, `singular` and `pipeline`, stages and weights.

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ...rules import APPLICATION_EXAMPLE, ERROR, L, rule

APPLICATION_NAME = rule(
    "HY114", "application-name", L.MANAGER, ERROR,
    "an Application name outside `[a-zA-Z0-9_-]+`",
    """
The manager accepts application names of latin letters (either case), digits, `-` and
`_` (NAME-3): `Application name ... contains invalid symbols`.
""",
    bad=APPLICATION_EXAMPLE.replace("name: census-app", "name: census app"),
    good=APPLICATION_EXAMPLE,
)
SINGULAR_OR_PIPELINE = rule(
    "HY402", "singular-or-pipeline", L.HS_CLI, ERROR,
    "an Application with both or neither of `singular` and `pipeline`",
    """
An application is either one model (`singular`) or a pipeline of stages (`pipeline`),
never both (APP-1). `singular: null` or `pipeline: []` count as neither.
""",
    bad=APPLICATION_EXAMPLE + "pipeline:\n  - - model: census:1\n",
    good=APPLICATION_EXAMPLE,
)
PIPELINE_STAGE = rule(
    "HY403", "pipeline-stage", L.HS_CLI, ERROR,
    "a pipeline stage that is not a list of model variants",
    """
`pipeline` is a list of stages and each stage is itself a list of variants, hence the
double dash: `- - model: name:1` (APP-3). A flat list of variants is rejected with
`value is not a valid list`.
""",
    bad="kind: Application\nname: claims\npipeline:\n  - model: claims-pre:1\n  - model: claims:1\n",
    good="kind: Application\nname: claims\npipeline:\n  - - model: claims-pre:1\n  - - model: claims:1\n",
)
EMPTY_STAGE = rule(
    "HY404", "empty-stage", L.MANAGER, ERROR,
    "an empty pipeline or pipeline stage",
    """
Every stage needs at least one model variant; the manager rejects empty stages (APP-3).
""",
    bad="kind: Application\nname: claims\npipeline:\n  - []\n",
    good="kind: Application\nname: claims\npipeline:\n  - - model: claims:1\n",
)
STAGE_WEIGHTS = rule(
    "HY405", "stage-weights", L.MANAGER, ERROR,
    "the weights of a pipeline stage do not add up to 100",
    """
Traffic within a stage is split by `weight`, and the weights of a stage must add up to
exactly 100 (APP-4). An omitted weight counts as 100, so two variants without weights
add up to 200: `Sum of weights must equal 100`.
""",
    bad="kind: Application\nname: claims\npipeline:\n  - - model: claims:1\n"
    "      weight: 80\n    - model: claims:2\n      weight: 30\n",
    good="kind: Application\nname: claims\npipeline:\n  - - model: claims:1\n"
    "      weight: 80\n    - model: claims:2\n      weight: 20\n",
)
VARIANT_WEIGHT = rule(
    "HY406", "variant-weight", L.LINT, ERROR,
    "a negative variant `weight`",
    """
A weight is a share of traffic in percent. The manager only checks the sum (APP-4), so
`[150, -50]` is accepted, but a negative share cannot mean anything.
""",
    bad="kind: Application\nname: claims\npipeline:\n  - - model: claims:1\n"
    "      weight: 150\n    - model: claims:2\n      weight: -50\n",
    good="kind: Application\nname: claims\npipeline:\n  - - model: claims:1\n"
    "      weight: 100\n    - model: claims:2\n      weight: 0\n",
)
