"""Rules of `kind: DeploymentConfiguration`: its name, and what Kubernetes would reject at
deploy time (hpa and replicas, resources, tolerations, affinity, labels, environment).

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ...rules import CONFIGURATION_EXAMPLE, ERROR, NOTE, SAFE, UNSAFE, WARNING, L, rule

_RESOURCES = """\
kind: DeploymentConfiguration
name: small
container:
  resources:
    limits: {cpu: "1", memory: 2Gi}
    requests: {cpu: 500m, memory: 1Gi}
"""
_TOLERATION = """\
kind: DeploymentConfiguration
name: gpu-nodes
pod:
  tolerations:
    - key: gpu
      operator: Equal
      value: "true"
      effect: NoExecute
      tolerationSeconds: 300
"""
_NODE_AFFINITY = """\
kind: DeploymentConfiguration
name: ssd-nodes
pod:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: disktype, operator: In, values: [ssd]}
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 50
          preference:
            matchExpressions:
              - {key: cores, operator: Gt, values: ["8"]}
"""
_POD_AFFINITY = """\
kind: DeploymentConfiguration
name: spread
pod:
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - labelSelector:
            matchLabels: {app: census}
            matchExpressions:
              - {key: tier, operator: In, values: [serving]}
          namespaces: [models]
          topologyKey: kubernetes.io/hostname
"""
_NODE_SELECTOR = """\
kind: DeploymentConfiguration
name: gpu-nodes
pod:
  nodeSelector:
    cloud.google.com/gke-accelerator: nvidia-tesla-t4
    disktype: ssd
"""
_ENV = """\
kind: DeploymentConfiguration
name: verbose
container:
  env:
    LOG_LEVEL: debug
    WORKERS: "4"
"""
RESERVED_CONFIGURATION_NAME = rule(
    "HY115", "reserved-configuration-name", L.MANAGER, ERROR,
    "the DeploymentConfiguration name the manager reserves",
    """
`hydrosphere_manager_default` is the manager's built-in configuration; creating one of
that name fails with `hydrosphere_manager_default already exists` (NAME-4). Applications
may still refer to it with `deployment-config`.
""",
    bad=CONFIGURATION_EXAMPLE.replace("name: small", "name: hydrosphere_manager_default"),
    good=CONFIGURATION_EXAMPLE,
)
CONFIGURATION_NAME_URL = rule(
    "HY116", "configuration-name-url", L.LINT, WARNING,
    "a DeploymentConfiguration name with characters unsafe in a URL",
    """
The manager sets no rule for these names, but looks them up as
`/api/v2/deployment_configuration/<name>`. A name with `/`, spaces, `?`, `#` or `%` cannot
be found again (NAME-4). Use letters, digits, `-`, `_` and `.`.
""",
    bad=CONFIGURATION_EXAMPLE.replace("name: small", "name: gpu/small"),
    good=CONFIGURATION_EXAMPLE,
)
HPA_MIN_REPLICAS = rule(
    "HY501", "hpa-min-replicas", L.KUBERNETES, ERROR,
    "`hpa.minReplicas` below 1",
    """
Kubernetes requires an autoscaler's `minReplicas` to be at least 1 (DC-2). Nothing checks
it before a servable is created, and then the application fails to deploy.
""",
    bad=CONFIGURATION_EXAMPLE.replace("minReplicas: 1", "minReplicas: 0"),
    good=CONFIGURATION_EXAMPLE,
)
HPA_MAX_REPLICAS = rule(
    "HY502", "hpa-max-replicas", L.KUBERNETES, ERROR,
    "`hpa.maxReplicas` below `minReplicas`",
    """
Kubernetes rejects an autoscaler whose `maxReplicas` is smaller than `minReplicas` (DC-2);
neither `hs` nor the manager check it.
""",
    bad=CONFIGURATION_EXAMPLE.replace("maxReplicas: 4", "maxReplicas: 0"),
    good=CONFIGURATION_EXAMPLE,
)
HPA_CPU_UTILIZATION = rule(
    "HY503", "hpa-cpu-utilization", L.KUBERNETES, ERROR,
    "`hpa.cpuUtilization` below 1",
    """
The CPU target is a percentage of the requested CPU and Kubernetes requires it to be
positive (DC-2).
""",
    bad=CONFIGURATION_EXAMPLE.replace("cpuUtilization: 70", "cpuUtilization: 0"),
    good=CONFIGURATION_EXAMPLE,
)
HPA_CPU_UTILIZATION_RANGE = rule(
    "HY504", "hpa-cpu-utilization-range", L.DOCS, ERROR,
    "`hpa.cpuUtilization` above 100",
    """
The docs define `cpuUtilization` as an integer from 1 to 100. Kubernetes would accept a
target above 100% of the requested CPU, but the docs do not.
""",
    bad=CONFIGURATION_EXAMPLE.replace("cpuUtilization: 70", "cpuUtilization: 150"),
    good=CONFIGURATION_EXAMPLE,
)
REPLICA_COUNT = rule(
    "HY505", "replica-count", L.KUBERNETES, ERROR,
    "a negative `deployment.replicaCount`",
    """
Kubernetes rejects a negative number of replicas (DC-3) when the servable is created.
""",
    bad="kind: DeploymentConfiguration\nname: small\ndeployment:\n  replicaCount: -1\n",
    good="kind: DeploymentConfiguration\nname: small\ndeployment:\n  replicaCount: 2\n",
)
HPA_OWNS_REPLICAS = rule(
    "HY506", "hpa-owns-replicas", L.LINT, NOTE,
    "`deployment.replicaCount` next to `hpa`",
    """
With an autoscaler, the number of replicas is the autoscaler's to decide, between
`minReplicas` and `maxReplicas`; `replicaCount` only sets the starting point.
""",
    bad=CONFIGURATION_EXAMPLE + "deployment:\n  replicaCount: 4\n",
    good=CONFIGURATION_EXAMPLE,
)
QUANTITY = rule(
    "HY507", "quantity", L.KUBERNETES, ERROR,
    "a resource amount that is not a Kubernetes quantity",
    """
`limits` and `requests` are Kubernetes quantities: a number with an optional suffix, decimal
(`m` thousandths, `k`, `M`, `G`, `T`, `P`, `E`), binary (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`)
or an exponent (`1e3`). `hs` and the manager pass them on unchecked (DC-4); Kubernetes
then refuses the servable. `2GB`, `4g` and `lots` are not quantities; amounts cannot be
negative, and extended resources such as GPUs are counted in whole units.
""",
    bad=_RESOURCES.replace("memory: 2Gi", "memory: 2GB"),
    good=_RESOURCES,
)
MEMORY_MILLIBYTES = rule(
    "HY508", "memory-millibytes", L.LINT, WARNING,
    "memory given in thousandths of a byte (`512m`)",
    """
`m` means thousandths: `memory: 512m` is half a byte, not 512 megabytes. Kubernetes accepts
it and the container cannot start, or is killed at once. Memory is written `512Mi` or `512M`.
""",
    bad=_RESOURCES.replace("memory: 1Gi", "memory: 512m"),
    good=_RESOURCES.replace("memory: 1Gi", "memory: 512Mi"),
    fix=UNSAFE,
)
REQUEST_ABOVE_LIMIT = rule(
    "HY509", "request-above-limit", L.KUBERNETES, ERROR,
    "a resource request above its limit",
    """
Kubernetes refuses a container whose request of a resource is greater than its limit of
the same resource, and one whose request of an extended resource (a GPU) differs from its
limit. The amounts are compared exactly (`1` cpu is `1000m`, `1Gi` is `1073741824`).
""",
    bad=_RESOURCES.replace("memory: 1Gi", "memory: 3Gi"),
    good=_RESOURCES,
)
RESOURCE_NAME = rule(
    "HY510", "resource-name", L.KUBERNETES, ERROR,
    "a resource name Kubernetes does not know",
    """
A container can limit the standard resources (`cpu`, `memory`, `ephemeral-storage`,
`hugepages-<size>`) and extended resources, whose names are fully qualified
(`nvidia.com/gpu`). Any other name makes Kubernetes refuse the servable.
""",
    bad=_RESOURCES.replace('cpu: "1"', 'cpu: "1", gpu: "1"'),
    good=_RESOURCES.replace('cpu: "1"', 'cpu: "1", nvidia.com/gpu: "1"'),
)
TOLERATION_OPERATOR = rule(
    "HY511", "toleration-operator", L.MANAGER, ERROR,
    "a toleration `operator` other than `Equal` or `Exists`",
    """
The manager reads tolerations with skuber, which knows only the operators `Equal` and
`Exists` and answers anything else with "Unknown operator" (DC-7).
""",
    bad=_TOLERATION.replace("operator: Equal", "operator: equals"),
    good=_TOLERATION,
    fix=UNSAFE,
)
TOLERATION_EFFECT = rule(
    "HY512", "toleration-effect", L.MANAGER, ERROR,
    "a toleration `effect` other than NoSchedule, PreferNoSchedule or NoExecute",
    """
A toleration's effect must be one of the taint effects `NoSchedule`, `PreferNoSchedule`
and `NoExecute`, or absent for all of them. The manager rejects any other value (DC-7).
""",
    bad=_TOLERATION.replace("effect: NoExecute", "effect: NoExec"),
    good=_TOLERATION,
    fix=UNSAFE,
)
TOLERATION_SECONDS = rule(
    "HY513", "toleration-seconds", L.KUBERNETES, ERROR,
    "`tolerationSeconds` with an effect other than `NoExecute`",
    """
`tolerationSeconds` says how long a pod stays on a node after a `NoExecute` taint appears,
so Kubernetes rejects it with any other effect: "effect must be 'NoExecute' when
`tolerationSeconds` is set" (DC-7). The docs' own example has this mistake; the manager
stores it, and the servable fails when it is created.
""",
    bad=_TOLERATION.replace("effect: NoExecute", "effect: PreferNoSchedule"),
    good=_TOLERATION,
    fix=UNSAFE,
)
TOLERATION_EXISTS_VALUE = rule(
    "HY514", "toleration-exists-value", L.KUBERNETES, ERROR,
    "a toleration with `operator: Exists` and a `value`",
    """
`Exists` matches a taint by its key alone, so Kubernetes rejects a value next to it:
"value must be empty when `operator` is 'Exists'".
""",
    bad=_TOLERATION.replace("operator: Equal", "operator: Exists"),
    good=_TOLERATION,
)
TOLERATION_EMPTY_KEY = rule(
    "HY515", "toleration-empty-key", L.KUBERNETES, ERROR,
    "a toleration with an empty `key` and an operator other than `Exists`",
    """
An empty key matches every taint, which only makes sense with `Exists`; Kubernetes rejects
it otherwise: "operator must be Exists when `key` is empty".
""",
    bad=_TOLERATION.replace("key: gpu", 'key: ""'),
    good=_TOLERATION,
)
TOLERATION_NULL_FIELD = rule(
    "HY516", "toleration-null-field", L.MANAGER, ERROR,
    "a toleration field that `hs apply` sends as null, which the manager cannot read",
    """
`hs apply` sends every field a toleration leaves out as JSON `null`, and the manager's
reader (skuber) cannot read a null `key`, a null `tolerationSeconds`, or a null `value`
with `Equal` (DC-7). Kubernetes would default them; through `hs apply` they must be given.
As `tolerationSeconds` needs `effect: NoExecute`, only `NoExecute` tolerations can be
uploaded with `hs apply` 3.0.3; switch the `manager` layer off if you upload another way.
""",
    bad=_TOLERATION.replace("      tolerationSeconds: 300\n", ""),
    good=_TOLERATION,
)
SELECTOR_OPERATOR = rule(
    "HY517", "selector-operator", L.MANAGER, ERROR,
    "an affinity requirement `operator` the manager does not know",
    """
Node selector requirements take `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`;
label selector requirements (pod affinity) take `In`, `NotIn`, `Exists` or `DoesNotExist`.
The manager rejects any other operator (DC-8).
""",
    bad=_NODE_AFFINITY.replace("operator: In", "operator: in"),
    good=_NODE_AFFINITY,
    fix=UNSAFE,
)
SELECTOR_VALUES = rule(
    "HY518", "selector-values", L.KUBERNETES, ERROR,
    "`values` that do not fit the requirement's operator",
    """
Kubernetes wants a non-empty `values` list for `In` and `NotIn`, no values for `Exists`
and `DoesNotExist`, and exactly one integer for `Gt` and `Lt` (DC-8). `matchFields` can
only select `metadata.name`, with `In` or `NotIn` and exactly one value.
""",
    bad=_NODE_AFFINITY.replace('values: ["8"]', 'values: ["8", "16"]'),
    good=_NODE_AFFINITY,
)
AFFINITY_WEIGHT = rule(
    "HY519", "affinity-weight", L.KUBERNETES, ERROR,
    "a preferred affinity term's `weight` outside 1..100",
    """
Kubernetes weighs preferred scheduling terms from 1 to 100 and rejects other weights (DC-8).
""",
    bad=_NODE_AFFINITY.replace("weight: 50", "weight: 0"),
    good=_NODE_AFFINITY,
)
TOPOLOGY_KEY = rule(
    "HY520", "topology-key", L.KUBERNETES, ERROR,
    "an empty or malformed pod affinity `topologyKey`",
    """
A pod affinity term groups nodes by the value of a node label, its `topologyKey`
(`kubernetes.io/hostname`, `topology.kubernetes.io/zone`). Kubernetes rejects an empty
key, and one that is not a valid label key.
""",
    bad=_POD_AFFINITY.replace("topologyKey: kubernetes.io/hostname", 'topologyKey: ""'),
    good=_POD_AFFINITY,
)
NAMESPACE_NAME = rule(
    "HY521", "namespace-name", L.KUBERNETES, ERROR,
    "a pod affinity namespace that is not a valid namespace name",
    """
Namespace names are DNS labels: lowercase letters, digits and `-`, at most 63 characters,
starting and ending with a letter or digit. Kubernetes rejects other names in `namespaces`.
""",
    bad=_POD_AFFINITY.replace("namespaces: [models]", "namespaces: [ML_Models]"),
    good=_POD_AFFINITY,
)
LABEL_KEY = rule(
    "HY522", "label-key", L.KUBERNETES, ERROR,
    "a label key Kubernetes rejects",
    """
Label keys (in `nodeSelector`, `matchLabels`, requirement and toleration keys) are an
optional DNS-subdomain prefix and `/`, then a name of at most 63 letters, digits, `-`, `_`
and `.` that starts and ends with a letter or digit.
""",
    bad=_NODE_SELECTOR.replace("disktype: ssd", "disk type: ssd"),
    good=_NODE_SELECTOR,
)
LABEL_VALUE = rule(
    "HY523", "label-value", L.KUBERNETES, ERROR,
    "a label value Kubernetes rejects",
    """
Label values (in `nodeSelector`, `matchLabels` and toleration values) are empty or at most
63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit; spaces
are not allowed.
""",
    bad=_NODE_SELECTOR.replace("disktype: ssd", "disktype: fast ssd"),
    good=_NODE_SELECTOR,
)
ENV_NAME = rule(
    "HY524", "env-name", L.KUBERNETES, ERROR,
    "an environment variable name Kubernetes rejects",
    """
Kubernetes accepts environment variable names of letters, digits, `_`, `-` and `.` that do
not start with a digit.
""",
    bad=_ENV.replace("WORKERS:", "2WORKERS:"),
    good=_ENV,
)
ENV_LIST = rule(
    "HY525", "env-list", L.HS_CLI, ERROR,
    "`env` written as a Kubernetes list of `name`/`value` pairs",
    """
In a DeploymentConfiguration, `container.env` is a mapping of names to values, not the
list of `{name, value}` objects of a Kubernetes pod spec. `hs` mangles such a list
silently (DC-5), so the variables never reach the container.
""",
    bad=_ENV.replace(
        "  env:\n    LOG_LEVEL: debug\n    WORKERS: \"4\"\n",
        "  env:\n    - name: LOG_LEVEL\n      value: debug\n",
    ),
    good=_ENV,
    fix=SAFE,
)
ENV_MANAGER_OVERRIDE = rule(
    "HY526", "env-manager-override", L.MANAGER, ERROR,
    "an environment variable the manager overrides",
    """
The manager sets `APP_PORT` on every servable itself, after the configuration's `env`, so
a value given here is silently replaced (DC-5).
""",
    bad=_ENV.replace("WORKERS:", "APP_PORT:"),
    good=_ENV,
)
NODE_SELECTOR_TERMS = rule(
    "HY527", "node-selector-terms", L.KUBERNETES, ERROR,
    "required node affinity without any node selector term",
    """
`requiredDuringSchedulingIgnoredDuringExecution` of a node affinity must list at least one
term in `nodeSelectorTerms`; Kubernetes rejects an empty list: "must have at least one node
selector term".
""",
    bad=_NODE_AFFINITY.replace(
        "        nodeSelectorTerms:\n          - matchExpressions:\n"
        "              - {key: disktype, operator: In, values: [ssd]}\n",
        "        nodeSelectorTerms: []\n",
    ),
    good=_NODE_AFFINITY,
)
