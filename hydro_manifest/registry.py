"""The rule registry: every rule hydro reports, with its id, layer and severity.

This is the one place a rule is described. Checks refer to the constants below, and
`hydro rules`, the JSON Schema and the docs are generated from `RULES`. Each rule carries
a failing (`bad`) and a passing (`good`) example; the test suite runs both.
"""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Layer, Severity

ERROR, WARNING, NOTE = Severity.ERROR, Severity.WARNING, Severity.NOTE


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    layer: Layer
    severity: Severity
    summary: str
    explanation: str
    bad: str
    good: str
    #: Checked across the documents of a run (`hydro lint`'s tree, or the files given to
    #: `hydro validate`), once every document has been read.
    across_documents: bool = False
    #: Checked by `hydro check-request` on request bodies (examples are bodies for
    #: REQUEST_MODEL), not on manifests.
    on_requests: bool = False

    def __repr__(self) -> str:
        return f"Rule({self.id} {self.name})"


RULES: dict[str, Rule] = {}


def _rule(
    id: str,
    name: str,
    layer: Layer,
    severity: Severity,
    summary: str,
    explanation: str,
    bad: str,
    good: str,
    across_documents: bool = False,
    on_requests: bool = False,
) -> Rule:
    rule = Rule(
        id,
        name,
        layer,
        severity,
        summary,
        explanation.strip(),
        bad,
        good,
        across_documents,
        on_requests,
    )
    if id in RULES or any(r.name == name for r in RULES.values()):
        raise ValueError(f"rule {id} {name} registered twice")
    RULES[id] = rule
    return rule


def find_rule(id_or_name: str) -> Rule | None:
    """Look a rule up by id (`HY301`, case-insensitive) or by name (`unknown-type`)."""
    key = id_or_name.strip()
    rule = RULES.get(key.upper())
    if rule is not None:
        return rule
    return next((r for r in RULES.values() if r.name == key.lower()), None)


_MODEL = """\
kind: Model
name: census
runtime: hydrosphere/serving-runtime-python-3.7:3.0.0
payload: [src/, requirements.txt]
contract:
  name: predict
  inputs:
    age: {shape: scalar, type: int64, profile: numerical}
  outputs:
    income: {shape: scalar, type: string, profile: categorical}
"""


_APP = """\
kind: Application
name: census-app
singular:
  model: census:1
"""

_DC = """\
kind: DeploymentConfiguration
name: small
hpa:
  minReplicas: 1
  maxReplicas: 4
  cpuUtilization: 70
"""

L = Layer

# ---------------------------------------------------------------- internal
INTERNAL_ERROR = _rule(
    "HY000", "internal-error", L.LINT, ERROR,
    "hydro itself failed on this document",
    """
A bug in hydro stopped the checks of one document. The other documents and files are
still checked. Please report it with the file that triggered it; the run exits with 3.
""",
    bad="# (any document that makes hydro fail)\n",
    good=_APP,
)

# ---------------------------------------------------------------- YAML
YAML_SYNTAX = _rule(
    "HY001", "yaml-syntax", L.YAML, ERROR,
    "the file is not valid YAML",
    """
The YAML parser stopped here. The usual causes are a tab used for indentation (YAML
indents with spaces only), an unclosed bracket or quote, a key indented differently from
its siblings, or a `key: value` where the value itself contains `: `.
Documents before the error are still checked; the rest of the file is not.
""",
    bad="kind: Model\nname: census\ncontract:\n\tinputs: {}\n",
    good=_APP,
)
ENCODING = _rule(
    "HY002", "encoding", L.YAML, ERROR,
    "the file is not UTF-8",
    """
`hs apply` reads manifests as UTF-8. A file in another encoding (Latin-1, UTF-16, a
Windows code page) fails to load or loads with garbled text. The finding points at the
first byte that is not UTF-8. Re-save the file as UTF-8.
""",
    bad="kind: Application\nname: caf\xe9\nsingular:\n  model: census:1\n",
    good=_APP,
)
BYTE_ORDER_MARK = _rule(
    "HY003", "byte-order-mark", L.LINT, WARNING,
    "the file starts with a byte-order mark",
    """
A UTF-8 byte-order mark is invisible in most editors and confuses tools that concatenate
or compare files (shell scripts, `cat`, diff tools, some YAML parsers). PyYAML skips it,
so `hs apply` works. Save the file as UTF-8 without BOM.
""",
    bad="\ufeff" + _APP,
    good=_APP,
)
NOT_A_MAPPING = _rule(
    "HY004", "not-a-mapping", L.YAML, ERROR,
    "a document is not a mapping of keys to values",
    """
Every document in a manifest file must be a mapping with `kind`, `name` and the fields of
its kind. A list or a bare value makes `hs apply` crash (GEN-2). This often comes from a
leading `-` that turns the whole document into a list.
""",
    bad="- kind: Application\n  name: census-app\n  singular:\n    model: census:1\n",
    good=_APP,
)
EMPTY_DOCUMENT = _rule(
    "HY005", "empty-document", L.YAML, ERROR,
    "an empty document between `---` markers",
    """
A `---` that starts no content (two markers in a row, or one at the end of the file)
makes an empty document, and `hs apply` crashes on it with
`'NoneType' object has no attribute 'get'` (GEN-2). Remove the extra `---`.
""",
    bad=_APP + "---\n",
    good=_APP,
)
NO_DOCUMENTS = _rule(
    "HY006", "no-documents", L.YAML, ERROR,
    "the file holds no document",
    """
The file is empty or holds only comments, so there is nothing to apply. `hs apply` would
do nothing and say nothing.
""",
    bad="# kind: Model (commented out)\n",
    good=_APP,
)
DUPLICATE_KEY = _rule(
    "HY007", "duplicate-key", L.HS_CLI, ERROR,
    "the same key twice in one mapping",
    """
YAML loaders used by the platform keep only the last of two equal keys and drop the
other without a word (GEN-9). A contract with two fields of one name silently loses the
first. Both lines are named; rename or remove one.
""",
    bad=_MODEL.replace(
        "    income: {shape: scalar, type: string, profile: categorical}",
        "    income: {shape: scalar, type: string, profile: categorical}\n"
        "    income: {shape: scalar, type: double, profile: numerical}",
    ),
    good=_MODEL,
)
NON_STRING_KEY = _rule(
    "HY008", "non-string-key", L.HS_CLI, ERROR,
    "a key that is empty, null or a collection",
    """
Keys must be text. `~:` or an empty key is null, and `? [a, b]` is a list: neither names
a field, and the platform turns them into the text `None` or rejects them.
""",
    bad=_MODEL.replace("    age: {", "    ~: {"),
    good=_MODEL,
)
UNSUPPORTED_TAG = _rule(
    "HY009", "unsupported-tag", L.HS_CLI, ERROR,
    "a YAML tag outside the core schema",
    """
Manifests are plain data. Tags such as `!!python/object`, `!!binary`, `!!set` or custom
`!Ref` tags are refused by the safe loader `hs apply` uses; hydro reports them at the
tagged node and never constructs them. A plain `=` is YAML 1.1's `value` tag and fails in
the same way. Remove the tag (quote the value if it is text).
""",
    bad=_MODEL.replace("name: census", "name: !!python/name:os.system census"),
    good=_MODEL,
)
ALIAS_EXPANSION = _rule(
    "HY010", "alias-expansion", L.YAML, ERROR,
    "anchors and aliases expand too far (or into themselves)",
    """
Anchors (`&base`) and aliases (`*base`) are a good way to reuse a block, and hydro expands
them. A document whose aliases expand to more than 100,000 nodes (a "billion laughs"
file) or that refers to itself is stopped here instead of exhausting memory.
""",
    bad="a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    good="kind: DeploymentConfiguration\nname: small\nhpa: &hpa {minReplicas: 1, maxReplicas: 2}\n",
)
NESTING_TOO_DEEP = _rule(
    "HY011", "nesting-too-deep", L.YAML, ERROR,
    "the document nests deeper than any manifest can",
    """
No manifest nests more than a dozen levels. A document nested hundreds of levels deep is
generated or hostile input; hydro stops at 200 levels rather than risk the parser's
stack.
""",
    bad="a: " + "[" * 300 + "]" * 300 + "\n",
    good=_APP,
)
QUOTE_IT = _rule(
    "HY012", "quote-it", L.HS_CLI, ERROR,
    "YAML reads this text as another type, and the platform would change it",
    """
`hs apply` reads YAML 1.1, where unquoted `yes`, `no`, `on`, `off` are booleans, `1.10` is
the number 1.1, `010` is octal 8, `1:30` is 90 and `2021-01-01` a date. Where a string is
expected the platform turns the value back into text, so `yes` arrives as `True` and
`1.10` as `1.1` (GEN-8, GEN-9). Quote the value to keep what you wrote. A number whose
text survives unchanged (`cpu: 2`, `PORT: 8080`, `name: 123`) is accepted as that text.
""",
    bad=_APP.replace("name: census-app", "name: census-app\nmetadata:\n  release: 1.10"),
    good=_APP.replace("name: census-app", "name: census-app\nmetadata:\n  release: '1.10'"),
)

READ_ERROR = _rule(
    "HY013", "read-error", L.YAML, ERROR,
    "the file cannot be read",
    """
The operating system refused to read the file (permissions, a directory or device where a
file was expected, a file that vanished). The other files are still checked.
""",
    bad="# (a file without read permission)\n",
    good=_APP,
)

FILE_TOO_LARGE = _rule(
    "HY014", "file-too-large", L.LINT, ERROR,
    "a file larger than hydro reads (10 MiB unless --max-file-size says otherwise)",
    """
Manifests are a few kilobytes. A file of many megabytes is generated, a data file with a
YAML name, or hostile; hydro reports it instead of reading it, so that one such file cannot
exhaust memory or time. `--max-file-size MIB` (or `max-file-size` in the configuration)
raises the limit.
""",
    bad="# (a file of more than 10 MiB)\n",
    good=_APP,
)

METADATA_BOOLEAN = _rule(
    "HY015", "metadata-boolean", L.HS_CLI, WARNING,
    "a boolean under `metadata`, which arrives as the text `True` or `False`",
    """
The docs list booleans among metadata values, so `calibrated: true` is allowed; but
metadata is text on the platform and `hs apply` turns the boolean into `True` or `False`
(GEN-8). YAML 1.1 also reads `yes`, `no`, `on` and `off` as booleans, so `approved: yes`
arrives as `True`. Quote the value if the text you wrote matters. Numbers whose text
would change (`0.940` becomes `0.94`) stay errors (HY012).
""",
    bad=_APP.replace("name: census-app", "name: census-app\nmetadata:\n  approved: yes"),
    good=_APP.replace("name: census-app", "name: census-app\nmetadata:\n  approved: 'yes'"),
)

INNER_BYTE_ORDER_MARK = _rule(
    "HY017", "inner-byte-order-mark", L.HS_CLI, ERROR,
    "a byte-order mark inside the file, where files were joined",
    """
A UTF-8 byte-order mark (U+FEFF) is invisible. At the start of a file PyYAML skips it
(HY003); further on, as when `cat a.yaml b.yaml` joins two files saved with one, it
becomes part of the next key, so `hs apply` reads `\\ufeffkind` instead of `kind` and
stops with "No 'kind' field specified". hydro says where it is and reads the document
as if it were not there.
""",
    bad=_APP + "---\n\ufeff" + _APP.replace("census-app", "census-app-2"),
    good=_APP + "---\n" + _APP.replace("census-app", "census-app-2"),
)
UNICODE_SPACE_INDENT = _rule(
    "HY018", "unicode-space-indent", L.HS_CLI, ERROR,
    "a line indented with a no-break or other Unicode space",
    """
YAML indents with plain spaces (U+0020) only. A no-break space (U+00A0), often pasted from
a web page, a chat or a word processor, looks the same but is read as text: `  model:`
becomes a key named `\\u00a0\\u00a0model` at the wrong level, which the platform drops.
hydro names the character and its column, and reads the line as it was meant.
""",
    bad=_APP.replace("  model: census:1", "\u00a0\u00a0model: census:1"),
    good=_APP,
)
NUL_CHARACTER = _rule(
    "HY016", "nul-character", L.HS_CLI, ERROR,
    "a NUL character, written as an escape in a double-quoted scalar",
    """
YAML refuses a raw NUL byte, but a double-quoted scalar can write one as `\\0`, `\\x00` or
`\\u0000`. Nothing downstream can take it: in a `payload` entry or `training-data`,
`hs apply` crashes opening the path (Python's `ValueError: embedded null byte`); in a name,
command, metadata value, field name or environment variable the manager's database, the
Dockerfile or the container's environment cannot hold it. hydro reports it where it is
written and does not check that value any further.
""",
    bad=_MODEL.replace("[src/, requirements.txt]", '[src/, "requirements.txt\\0"]'),
    good=_MODEL,
)

# ---------------------------------------------------------------- any kind
MISSING_KIND = _rule(
    "HY101", "missing-kind", L.HS_CLI, ERROR,
    "a document without `kind`",
    """
Every resource definition names its `kind`: Model, Application or
DeploymentConfiguration. Without it `hs apply` stops with "No 'kind' field specified"
(GEN-3). hydro says which kind the keys suggest.
""",
    bad=_APP.replace("kind: Application\n", ""),
    good=_APP,
)
UNKNOWN_KIND = _rule(
    "HY102", "unknown-kind", L.HS_CLI, ERROR,
    "a `kind` that is not Model, Application or DeploymentConfiguration",
    """
`hs apply` 3.x knows exactly three kinds, spelled exactly so (GEN-4). Kinds of older
releases (`DeploymentConfig`, `HostSelector`, `Runtime`, `Environment`) are rejected.
When the intended kind is clear, hydro checks the document as that kind as well.
""",
    bad=_MODEL.replace("kind: Model", "kind: Modle"),
    good=_MODEL,
)
MISSING_FIELD = _rule(
    "HY103", "missing-field", L.MANAGER, ERROR,
    "a required field is missing",
    """
The field is required by the spec and by the platform: `name` on every kind, `runtime` on
a Model, `inputs` and `outputs` of a contract, `type` of a contract field, `model` of an
application stage, `threshold` and `operator` of a metric, `maxReplicas` of an hpa.
The finding points at the mapping that lacks it.
""",
    bad=_MODEL.replace("runtime: hydrosphere/serving-runtime-python-3.7:3.0.0\n", ""),
    good=_MODEL,
)
UNKNOWN_KEY = _rule(
    "HY104", "unknown-key", L.HS_CLI, ERROR,
    "a key the platform does not read (it is dropped silently)",
    """
`hs apply` ignores keys it does not know, at every level and without a warning (GEN-6),
so a misspelt key (`instal-command`, `min-replicas`, `tolerationSecond`) silently loses
what it says. hydro lists the keys valid at that place and suggests the closest one.
Model and Application keys are kebab-case; DeploymentConfiguration keys are camelCase.
""",
    bad=_MODEL.replace("payload:", "install-comand: pip install -r requirements.txt\npayload:"),
    good=_MODEL.replace("payload:", "install-command: pip install -r requirements.txt\npayload:"),
)
NON_CANONICAL_KEY = _rule(
    "HY105", "non-canonical-key", L.LINT, WARNING,
    "a key spelling the platform accepts that is not the documented one",
    """
`hs apply` also accepts the Python spelling of a key (`install_command` for
`install-command`, `min_replicas` for `minReplicas`) (GEN-7). It works, but the
documented spelling is what readers, the docs and other tools expect.
""",
    bad=_MODEL.replace("payload:", "install_command: pip install -r requirements.txt\npayload:"),
    good=_MODEL.replace("payload:", "install-command: pip install -r requirements.txt\npayload:"),
)
LEGACY_KEY = _rule(
    "HY106", "legacy-key", L.LINT, WARNING,
    "a key left over from an older manifest format",
    """
Keys such as `version` and `model-type` belonged to 1.x and 2.x manifests. `hs apply`
3.x ignores them; they only mislead readers. The finding says what replaces them.
""",
    bad="version: 2\n" + _MODEL,
    good=_MODEL,
)
WRONG_TYPE = _rule(
    "HY107", "wrong-type", L.MANAGER, ERROR,
    "a value of the wrong kind (text, number, list or mapping)",
    """
The value has the wrong YAML type for its place: a list where a mapping is expected, a
mapping where text is expected, text where a number is expected. Integers must be
written without a fraction (`weight: 80.5` would be cut to 80).
""",
    bad=_MODEL.replace("payload: [src/, requirements.txt]", "payload: src/"),
    good=_MODEL,
)
EMPTY_VALUE = _rule(
    "HY108", "empty-value", L.MANAGER, ERROR,
    "a value is empty (null or blank) where text is required",
    """
`key:` with nothing after it, `~` and `null` are null in YAML; `""` is blank text. Names,
runtimes, references and field names cannot be empty: the platform rejects null
(`none is not an allowed value`) and cannot find or create a resource with an empty name.
""",
    bad=_APP.replace("name: census-app", "name:"),
    good=_APP,
)
MISSING_HS_FIELD = _rule(
    "HY109", "missing-hs-field", L.HS_CLI, ERROR,
    "a field `hs apply` 3.0.3 requires, although the platform could do without it",
    """
`hs apply` 3.0.3 requires some fields that the docs call optional or that the manager
would default: a contract field's `shape`, `batch-size` in `monitoring-configuration`,
`minReplicas` in `hpa`, `limits` in `resources`, a toleration's `operator` (catalog
MOD-7, DC-2, DC-4, DC-7, CON-5). Without them it stops with `field required`. Teams that
upload through the SDK can switch the `hs-cli` layer off.
""",
    bad=_DC.replace("  minReplicas: 1\n", ""),
    good=_DC,
)
MODEL_NAME = _rule(
    "HY110", "model-name", L.MANAGER, ERROR,
    "a Model name outside `[a-z0-9_-]+`",
    """
The manager accepts model names of lowercase latin letters, digits, `-` and `_` only; no
dots, no uppercase, no spaces (NAME-1). It answers `Model name contains invalid
characters` after the payload has been packed and uploaded.
""",
    bad=_MODEL.replace("name: census", "name: Census.v2"),
    good=_MODEL,
)
MODEL_NAME_LENGTH = _rule(
    "HY111", "model-name-length", L.KUBERNETES, WARNING,
    "a Model name long enough that some of its servable names break Kubernetes' limit",
    """
The manager names each servable `<model>-<version>-<adjective>-<noun>` (`Servable.fullName`),
drawing the adjective (3 to 11 letters) and the noun (3 to 10) at random, and that name
must fit a 63-character Kubernetes Service name (NAME-2). A model name over 36 characters
fits some draws and not others: the warning says from which version on, and for what
share of the draws, a deployment may fail. Over 53 characters no draw fits (HY113).
""",
    bad=_MODEL.replace("name: census", "name: census-income-gradient-boosting-classifier-v2"),
    good=_MODEL,
)
MODEL_NAME_IMAGE = _rule(
    "HY112", "model-name-image", L.MANAGER, ERROR,
    "a Model name that cannot be a Docker image name",
    """
The manager builds an image named after the model. Docker repository names cannot start
or end with `-` or `_`, and allow only `_`, `__` or runs of `-` between letters and digits
(NAME-2). Names such as `-x`, `x_`, `a___b` or `a_-b` pass the upload and then fail the
image build: the model version ends up `Failed`.
""",
    bad=_MODEL.replace("name: census", "name: census_"),
    good=_MODEL,
)
MODEL_NAME_SERVICE = _rule(
    "HY113", "model-name-service", L.KUBERNETES, ERROR,
    "a Model name from which no valid Kubernetes service name can be built",
    """
Servables become Kubernetes services named `<model>-<version>-<adjective>-<noun>`
(`Servable.fullName`, `_` turned into `-`), and a service name is a DNS-1035 label: it
starts with a letter and has at most 63 characters. A model name that starts with a digit,
or is so long (over 53 characters) that even version 1 with the shortest adjective and
noun the manager draws exceeds 63, uploads and builds, and then every application using
it fails to deploy (NAME-2).
""",
    bad=_MODEL.replace("name: census", "name: 2021-census"),
    good=_MODEL,
)
APPLICATION_NAME = _rule(
    "HY114", "application-name", L.MANAGER, ERROR,
    "an Application name outside `[a-zA-Z0-9_-]+`",
    """
The manager accepts application names of latin letters (either case), digits, `-` and
`_` (NAME-3): `Application name ... contains invalid symbols`.
""",
    bad=_APP.replace("name: census-app", "name: census app"),
    good=_APP,
)
RESERVED_CONFIGURATION_NAME = _rule(
    "HY115", "reserved-configuration-name", L.MANAGER, ERROR,
    "the DeploymentConfiguration name the manager reserves",
    """
`hydrosphere_manager_default` is the manager's built-in configuration; creating one of
that name fails with `hydrosphere_manager_default already exists` (NAME-4). Applications
may still refer to it with `deployment-config`.
""",
    bad=_DC.replace("name: small", "name: hydrosphere_manager_default"),
    good=_DC,
)
CONFIGURATION_NAME_URL = _rule(
    "HY116", "configuration-name-url", L.LINT, WARNING,
    "a DeploymentConfiguration name with characters unsafe in a URL",
    """
The manager sets no rule for these names, but looks them up as
`/api/v2/deployment_configuration/<name>`. A name with `/`, spaces, `?`, `#` or `%` cannot
be found again (NAME-4). Use letters, digits, `-`, `_` and `.`.
""",
    bad=_DC.replace("name: small", "name: gpu/small"),
    good=_DC,
)

# ---------------------------------------------------------------- Model
RUNTIME_REFERENCE = _rule(
    "HY201", "runtime-reference", L.HS_CLI, ERROR,
    "a `runtime` that is not a valid Docker image reference",
    """
`runtime` is a Docker image reference, `[registry[:port]/]name:tag`, parsed by `hs apply`
before anything is uploaded (MOD-2). It must be lowercase, the tag must match
`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}` and the name may be 255 characters at most. Template
placeholders from the docs such as `$released_version$` are not tags.
""",
    bad=_MODEL.replace(":3.0.0", ":$released_version$"),
    good=_MODEL,
)
RUNTIME_TAG_MISSING = _rule(
    "HY202", "runtime-tag-missing", L.HS_CLI, ERROR,
    "a `runtime` image without a tag",
    """
`hs apply` 3.0.3 requires an explicit tag on the runtime image (MOD-2); `image` alone and
digest-only references (`image@sha256:...`) are rejected. Pin a released version.
""",
    bad=_MODEL.replace(":3.0.0", ""),
    good=_MODEL,
)
RUNTIME_FLOATING_TAG = _rule(
    "HY203", "runtime-floating-tag", L.LINT, WARNING,
    "a `runtime` tagged `latest` or `dev`",
    """
A floating tag means the model can be rebuilt on a different runtime than the one it was
tested with. Pin a released version of the runtime image.
""",
    bad=_MODEL.replace(":3.0.0", ":latest"),
    good=_MODEL,
)
RUNTIME_DIGEST_DROPPED = _rule(
    "HY204", "runtime-digest-dropped", L.HS_CLI, ERROR,
    "a `runtime` with both a tag and a digest (the digest is dropped)",
    """
`hs apply` keeps the tag and silently drops a digest that follows it (MOD-2), so the
image is not pinned the way the manifest says. Use the tag alone.
""",
    bad=_MODEL.replace(":3.0.0", ":3.0.0@sha256:" + "0" * 64),
    good=_MODEL,
)
MISSING_PAYLOAD = _rule(
    "HY205", "missing-payload", L.HS_CLI, ERROR,
    "a Model without `payload`",
    """
The docs call `payload` optional, but `hs apply` 3.0.3 requires it (`payload field
required`, MOD-1). List the model's files and folders; an empty list `[]` is allowed.
""",
    bad=_MODEL.replace("payload: [src/, requirements.txt]\n", ""),
    good=_MODEL,
)
PAYLOAD_ENTRY = _rule(
    "HY206", "payload-entry", L.LINT, ERROR,
    "an empty `payload` entry",
    """
An empty entry names no file; `hs apply` would archive the manifest's whole folder under
an empty name.
""",
    bad=_MODEL.replace("[src/, requirements.txt]", "[src/, '']"),
    good=_MODEL,
)
PAYLOAD_GLOB = _rule(
    "HY207", "payload-glob", L.HS_CLI, WARNING,
    "a glob pattern in `payload`",
    """
`hs apply` 2.x expanded globs in payload entries; 3.x does not, and looks for a file
literally named `*` (MOD-3), failing with `FileNotFoundError` while packing. List the
files or the folder instead (`./` or `src/`).
""",
    bad=_MODEL.replace("[src/, requirements.txt]", "['./*']"),
    good=_MODEL,
)
PAYLOAD_OUTSIDE = _rule(
    "HY208", "payload-outside", L.LINT, WARNING,
    "a `payload` entry that is absolute or leaves the manifest's folder",
    """
Entries are archived under the path as written and unpacked under `/model/files` (MOD-3).
An absolute path keeps its whole host path (`/home/me/model.pkl` lands in
`/model/files/home/me/model.pkl`) and `../x` lands outside `/model/files`, so the model's
code will not find the file where it expects it.
""",
    bad=_MODEL.replace("[src/, requirements.txt]", "[src/, ../shared/requirements.txt]"),
    good=_MODEL,
)
PAYLOAD_HIDDEN = _rule(
    "HY209", "payload-hidden", L.MANAGER, ERROR,
    "a `payload` entry naming a hidden file, which the manager skips",
    """
`hs apply` packs each entry under its name as written; the manager unpacks the payload
with `new File(filesDir, entryName)` and skips every entry for which `File.isHidden` is
true, that is whose own name starts with `.` (MOD-3, `TarGzUtils.decompress`). A file
such as `.model_config.json` is uploaded and never reaches `/model/files`. The files
inside a hidden folder do arrive (only each entry's own name is tested), so an entry
ending in `/` (`.config/`) is not reported, nor are hidden files inside a listed folder.
""",
    bad=_MODEL.replace("[src/, requirements.txt]", "[src/, requirements.txt, .env]"),
    good=_MODEL,
)
INSTALL_COMMAND_EMPTY = _rule(
    "HY210", "install-command-empty", L.LINT, ERROR,
    "an empty `install-command`",
    """
An empty `install-command` does nothing (`hs` treats it as absent, MOD-4) and usually means
a command was lost in editing. Write the command or remove the key.
""",
    bad=_MODEL.replace("payload:", "install-command: ''\npayload:"),
    good=_MODEL.replace("payload:", "install-command: pip install -r requirements.txt\npayload:"),
)
INSTALL_COMMAND_MULTILINE = _rule(
    "HY211", "install-command-multiline", L.MANAGER, WARNING,
    "a multi-line `install-command`",
    """
The command becomes one `RUN` line of the generated Dockerfile (MOD-4); a second line
breaks the build, and the model version ends up `Failed`. Join the commands with `&&` on
one line, or use a folded scalar (`>-`).
""",
    bad=_MODEL.replace("payload:", "install-command: |\n  apt-get install -y jq\n  pip install -r requirements.txt\npayload:"),
    good=_MODEL.replace("payload:", "install-command: >-\n  apt-get install -y jq &&\n  pip install -r requirements.txt\npayload:"),
)
TRAINING_DATA = _rule(
    "HY212", "training-data", L.DOCS, ERROR,
    "`training-data` that is neither a local `.csv` nor `s3://bucket/key.csv`",
    """
The docs support only CSV training data, given as a path relative to the manifest's
folder or as an S3 URI (MOD-5). Other schemes (`gs://`, `http://`) are treated by `hs` as
local paths and fail; other formats are not profiled.
""",
    bad=_MODEL.replace("payload:", "training-data: s3://bucket/train.parquet\npayload:"),
    good=_MODEL.replace("payload:", "training-data: s3://bucket/train.csv\npayload:"),
)
METADATA_VALUE = _rule(
    "HY213", "metadata-value", L.HS_CLI, ERROR,
    "a `metadata` value that is not text, a number or a boolean",
    """
`metadata` maps keys to simple values. Lists, mappings and null are rejected by `hs apply`
(`str type expected`, MOD-6); numbers are sent as text. Flatten nested values into
separate keys or quote them as one string.
""",
    bad=_APP.replace("name: census-app", "name: census-app\nmetadata:\n  authors: [ana, bo]"),
    good=_APP.replace("name: census-app", "name: census-app\nmetadata:\n  authors: ana, bo"),
)
METRIC_OPERATOR = _rule(
    "HY214", "metric-operator", L.MANAGER, ERROR,
    "a metric `operator` the manager does not know",
    """
The manager compares a metric to its threshold with one of `Eq`, `NotEq`, `Greater`,
`Less`, `GreaterEq`, `LessEq` (MOD-8). `hs` 2.x translated symbols such as `<=`; 3.x
passes them through and the manager rejects them after the model was uploaded.
""",
    bad=_MODEL + "monitoring:\n  - name: drift\n    config:\n      monitoring-model: census_drift:1\n"
    "      threshold: 0.5\n      operator: '<='\n",
    good=_MODEL + "monitoring:\n  - name: drift\n    config:\n      monitoring-model: census_drift:1\n"
    "      threshold: 0.5\n      operator: LessEq\n",
)
BATCH_SIZE = _rule(
    "HY215", "batch-size", L.LINT, ERROR,
    "a monitoring `batch-size` below 1",
    """
`batch-size` is how many requests the monitoring collects per batch. No layer checks it
(MOD-7), and zero or a negative size cannot mean anything. The manager's default is 100.
""",
    bad=_MODEL + "monitoring-configuration:\n  batch-size: 0\n",
    good=_MODEL + "monitoring-configuration:\n  batch-size: 100\n",
)

# ---------------------------------------------------------------- files the manifest points at
PAYLOAD_NOT_FOUND = _rule(
    "HY216", "payload-not-found", L.HS_CLI, ERROR,
    "a `payload` entry that does not exist",
    """
`hs apply` resolves payload entries relative to the manifest's folder and fails, after it
has started packing, when one is missing. hydro resolves them the same way and reports the
absolute path it tried. Switch file checks off (`--no-file-checks`) to validate a manifest
away from its files.
""",
    bad=_MODEL.replace("payload: [src/, requirements.txt]", "payload: [scr/]"),
    good=_MODEL.replace("payload: [src/, requirements.txt]", "payload: [src/]"),
)
PAYLOAD_FOLDER = _rule(
    "HY217", "payload-folder", L.LINT, ERROR,
    "a `payload` folder that is empty, or an entry ending in `/` that is a file",
    """
A folder in `payload` is packed with its files; an empty folder uploads nothing, so the
model cannot find what it was meant to load. An entry written as a folder (`model.pkl/`)
that is a file is a typo that `hs` treats inconsistently.
""",
    bad=_MODEL.replace("payload: [src/, requirements.txt]", "payload: [empty/]"),
    good=_MODEL.replace("payload: [src/, requirements.txt]", "payload: [src/]"),
)
PAYLOAD_DUPLICATE = _rule(
    "HY218", "payload-duplicate", L.LINT, WARNING,
    "two `payload` entries naming the same file",
    """
An entry that names the same file as another, or a file inside a folder that is already
listed, is packed twice. It is harmless but usually a leftover of an edit.
""",
    bad=_MODEL.replace("payload: [src/, requirements.txt]", "payload: [src/, src/func_main.py]"),
    good=_MODEL.replace("payload: [src/, requirements.txt]", "payload: [src/]"),
)
TRAINING_DATA_NOT_FOUND = _rule(
    "HY219", "training-data-not-found", L.HS_CLI, ERROR,
    "local `training-data` that does not exist or cannot be read",
    """
A local `training-data` path is resolved relative to the manifest's folder, and `hs apply`
stops with "Can't find training data file" when it is missing (MOD-5), after the model has
been uploaded. hydro reports the absolute path it tried.
""",
    bad=_MODEL + "training-data: data/trian.csv\n",
    good=_MODEL + "training-data: data/train.csv\n",
)
TRAINING_DATA_CSV = _rule(
    "HY220", "training-data-csv", L.DOCS, ERROR,
    "training data that is empty or not a CSV file",
    """
The monitoring profiles the training data as CSV with a header line. hydro reads only the
first bytes of the file (or of the S3 object) and reports one that is empty, binary, not
UTF-8 text, or without a header.
""",
    bad=_MODEL + "training-data: data/empty.csv\n",
    good=_MODEL + "training-data: data/train.csv\n",
)
TRAINING_DATA_COLUMNS = _rule(
    "HY221", "training-data-columns", L.LINT, WARNING,
    "a contract input without a column in the training data",
    """
The monitoring compares each input with the training data's column of the same name. An
input without a column has no reference profile, which usually means a renamed field or
the wrong file. Read from the CSV header only.
""",
    bad=_MODEL + "training-data: data/other.csv\n",
    good=_MODEL + "training-data: data/train.csv\n",
)
S3_OBJECT = _rule(
    "HY222", "s3-object", L.MANAGER, ERROR,
    "`training-data` on S3 that does not exist or is empty (`--remote`)",
    """
`hs apply` passes an `s3://` address to the monitoring service unchecked, and the upload
of the training data fails later. With `--remote`, hydro asks S3 (HEAD, then the first
bytes only): the bucket and the object must exist and the object must not be empty.
""",
    bad=_MODEL + "training-data: s3://census-data/missing.csv\n",
    good=_MODEL + "training-data: s3://census-data/train.csv\n",
)
S3_UNAVAILABLE = _rule(
    "HY223", "s3-unavailable", L.LINT, ERROR,
    "S3 could not be asked about `training-data` (`--remote`)",
    """
With `--remote`, an S3 check that cannot be made is reported instead of passed over: no
credentials, access denied, a bucket in another region, an endpoint that cannot be reached
or does not answer in time. Credentials and region come the standard boto3 way;
`--s3-endpoint-url` or `AWS_ENDPOINT_URL` reach S3-compatible stores.
""",
    bad=_MODEL + "training-data: s3://census-data/train.csv\n",
    good=_MODEL,
)

# ---------------------------------------------------------------- contract
MISSING_CONTRACT = _rule(
    "HY301", "missing-contract", L.HS_CLI, ERROR,
    "a Model without `contract`",
    """
`hs apply` 3.x requires a contract (`contract field required`, MOD-1, MOD-10), although
the manager could infer one for some model formats. Describe the inputs and outputs.
""",
    bad=_MODEL.split("contract:")[0],
    good=_MODEL,
)
SIGNATURE_NAME = _rule(
    "HY302", "signature-name", L.MANAGER, ERROR,
    "an empty or blank contract `name`",
    """
The contract `name` is the signature the runtime calls (for Python runtimes, the function
in `src/func_main.py`). `hs` rejects an empty one and the manager a blank one (CON-2).
Write the name or leave the key out to use `predict`.
""",
    bad=_MODEL.replace("  name: predict", "  name: ' '"),
    good=_MODEL,
)
DEFAULT_SIGNATURE = _rule(
    "HY303", "default-signature", L.LINT, NOTE,
    "no contract `name`: the signature is `predict`",
    """
Without `name` the contract's signature is `predict` (CON-2; it was `Predict` in 2.x).
For a Python runtime, the function in `src/func_main.py` must have that name.
""",
    bad=_MODEL.replace("  name: predict\n", ""),
    good=_MODEL,
)
EMPTY_FIELDS = _rule(
    "HY304", "empty-fields", L.MANAGER, ERROR,
    "a contract with no inputs or no outputs",
    """
A contract needs at least one input and one output (CON-3); the SDK and the manager
reject empty ones.
""",
    bad=_MODEL.replace("  outputs:\n    income: {shape: scalar, type: string, profile: categorical}",
                       "  outputs: {}"),
    good=_MODEL,
)
FIELD_SHAPE = _rule(
    "HY305", "field-shape", L.DOCS, ERROR,
    "a `shape` that is neither `scalar` nor a list of integers",
    """
`shape` is `scalar` or a list of integer dimensions (`[-1, 28, 28]`). `hs` silently turns
any other text (`vector`, a quoted `"[-1, 2]"`) and a bare number into a scalar (CON-7),
so the model would receive something else than the manifest says.
""",
    bad=_MODEL.replace("age: {shape: scalar", "age: {shape: vector"),
    good=_MODEL,
)
SHAPE_WILDCARD = _rule(
    "HY306", "shape-wildcard", L.DOCS, ERROR,
    "`-1` in a `shape` anywhere but the first dimension",
    """
The docs allow `-1` ("any number of entities") only as the first dimension (CON-7). The
platform does not check it, but other tools and the monitoring rely on it.
""",
    bad=_MODEL.replace("age: {shape: scalar", "age: {shape: [28, -1]"),
    good=_MODEL.replace("age: {shape: scalar", "age: {shape: [-1, 28]"),
)
SHAPE_DIMENSION = _rule(
    "HY307", "shape-dimension", L.LINT, ERROR,
    "a `shape` dimension that is zero or negative (other than `-1`)",
    """
A dimension is a positive size or the wildcard `-1`. Zero holds no data and `-5` means
nothing; no layer checks them (CON-7).
""",
    bad=_MODEL.replace("age: {shape: scalar", "age: {shape: [-1, 0]"),
    good=_MODEL.replace("age: {shape: scalar", "age: {shape: [-1, 1]"),
)
EMPTY_SHAPE = _rule(
    "HY308", "empty-shape", L.LINT, WARNING,
    "`shape: []`, which means `scalar`",
    """
An empty list of dimensions is a scalar to the platform (CON-7). Write `shape: scalar` so
readers do not take it for an unfinished list.
""",
    bad=_MODEL.replace("age: {shape: scalar", "age: {shape: []"),
    good=_MODEL,
)
UNKNOWN_TYPE = _rule(
    "HY309", "unknown-type", L.HS_CLI, ERROR,
    "a field `type` that `hs` does not know",
    """
The type must be one of the documented names, spelt exactly (lowercase): bool, string,
half, float16, float32, double, float64, uint8, uint16, uint32, uint64, int8, int16, int32,
int64, qint8, quint8, qint16, quint16, complex64, complex128 (CON-6). `int`, `float` and
`str` are not among them.
""",
    bad=_MODEL.replace("type: int64", "type: int"),
    good=_MODEL,
)
UNDOCUMENTED_TYPE = _rule(
    "HY310", "undocumented-type", L.DOCS, ERROR,
    "a field `type` that `hs` accepts but the docs do not list",
    """
`hs` 3.0.3 also maps `qint32`, which the docs leave out (CON-6). Other clients and the
docs do not promise it; use a documented type.
""",
    bad=_MODEL.replace("type: int64", "type: qint32"),
    good=_MODEL,
)
MISSING_PROFILE = _rule(
    "HY311", "missing-profile", L.HS_CLI, ERROR,
    "a contract field without `profile`",
    """
The docs call `profile` optional, but `hs apply` 3.0.3 requires it on every field
(`profile field required`, CON-5) — the most common failure in real manifests. Use
`numerical`, `categorical`, `text` or `image`.
""",
    bad=_MODEL.replace(", profile: numerical}", "}"),
    good=_MODEL,
)
UNKNOWN_PROFILE = _rule(
    "HY312", "unknown-profile", L.HS_CLI, ERROR,
    "a field `profile` that `hs` does not know",
    """
The documented profiles are `text`, `image`, `numerical` and `categorical` (CON-8).
`hs` crashes with `unknown enum label` on anything else.
""",
    bad=_MODEL.replace("profile: numerical", "profile: numeric"),
    good=_MODEL,
)
UNDOCUMENTED_PROFILE = _rule(
    "HY313", "undocumented-profile", L.DOCS, ERROR,
    "a field `profile` that `hs` accepts but the docs do not list",
    """
`hs` 3.0.3 accepts every DataProfileType name (`nominal`, `ordinal`, `continuous`,
`interval`, `ratio`, `video`, `audio`, `none`), but the docs list four (CON-8) and the
monitoring treats the others as unknown. Use `text`, `image`, `numerical` or
`categorical`.
""",
    bad=_MODEL.replace("profile: numerical", "profile: continuous"),
    good=_MODEL,
)
PROFILE_CASE = _rule(
    "HY314", "profile-case", L.LINT, WARNING,
    "a `profile` spelt in capitals",
    """
`hs` upper-cases profiles, so `IMAGE` works, but the documented spelling is lowercase.
""",
    bad=_MODEL.replace("profile: numerical", "profile: NUMERICAL"),
    good=_MODEL,
)
FIELD_NAME = _rule(
    "HY315", "field-name", L.LINT, WARNING,
    "a contract field name that is not a Python identifier, for a Python runtime",
    """
The Python runtime passes inputs as keyword arguments (CON-4), so a name such as
`marital-status` or `Marital Status` only reaches a function that takes `**kwargs`.
Use snake_case names, or make sure the function accepts `**kwargs`.
""",
    bad=_MODEL.replace("    age: {", "    age-years: {"),
    good=_MODEL,
)

# ---------------------------------------------------------------- Application
MODEL_REFERENCE = _rule(
    "HY401", "model-reference", L.HS_CLI, ERROR,
    "a model reference that is not `name:version`",
    """
Applications and metrics refer to model versions as `name:version`, with exactly one `:`
and an integer version (NAME-5, NAME-6): `hs` splits on the colon and converts the
version with `int()`. Tags such as `latest` are not versions.
""",
    bad=_APP.replace("census:1", "census:latest"),
    good=_APP,
)
SINGULAR_OR_PIPELINE = _rule(
    "HY402", "singular-or-pipeline", L.HS_CLI, ERROR,
    "an Application with both or neither of `singular` and `pipeline`",
    """
An application is either one model (`singular`) or a pipeline of stages (`pipeline`),
never both (APP-1). `singular: null` or `pipeline: []` count as neither.
""",
    bad=_APP + "pipeline:\n  - - model: census:1\n",
    good=_APP,
)
PIPELINE_STAGE = _rule(
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
EMPTY_STAGE = _rule(
    "HY404", "empty-stage", L.MANAGER, ERROR,
    "an empty pipeline or pipeline stage",
    """
Every stage needs at least one model variant; the manager rejects empty stages (APP-3).
""",
    bad="kind: Application\nname: claims\npipeline:\n  - []\n",
    good="kind: Application\nname: claims\npipeline:\n  - - model: claims:1\n",
)
STAGE_WEIGHTS = _rule(
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
VARIANT_WEIGHT = _rule(
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

# ---------------------------------------------------------------- DeploymentConfiguration
HPA_MIN_REPLICAS = _rule(
    "HY501", "hpa-min-replicas", L.KUBERNETES, ERROR,
    "`hpa.minReplicas` below 1",
    """
Kubernetes requires an autoscaler's `minReplicas` to be at least 1 (DC-2). Nothing checks
it before a servable is created, and then the application fails to deploy.
""",
    bad=_DC.replace("minReplicas: 1", "minReplicas: 0"),
    good=_DC,
)
HPA_MAX_REPLICAS = _rule(
    "HY502", "hpa-max-replicas", L.KUBERNETES, ERROR,
    "`hpa.maxReplicas` below `minReplicas`",
    """
Kubernetes rejects an autoscaler whose `maxReplicas` is smaller than `minReplicas` (DC-2);
neither `hs` nor the manager check it.
""",
    bad=_DC.replace("maxReplicas: 4", "maxReplicas: 0"),
    good=_DC,
)
HPA_CPU_UTILIZATION = _rule(
    "HY503", "hpa-cpu-utilization", L.KUBERNETES, ERROR,
    "`hpa.cpuUtilization` below 1",
    """
The CPU target is a percentage of the requested CPU and Kubernetes requires it to be
positive (DC-2).
""",
    bad=_DC.replace("cpuUtilization: 70", "cpuUtilization: 0"),
    good=_DC,
)
HPA_CPU_UTILIZATION_RANGE = _rule(
    "HY504", "hpa-cpu-utilization-range", L.DOCS, ERROR,
    "`hpa.cpuUtilization` above 100",
    """
The docs define `cpuUtilization` as an integer from 1 to 100. Kubernetes would accept a
target above 100% of the requested CPU, but the docs do not.
""",
    bad=_DC.replace("cpuUtilization: 70", "cpuUtilization: 150"),
    good=_DC,
)
REPLICA_COUNT = _rule(
    "HY505", "replica-count", L.KUBERNETES, ERROR,
    "a negative `deployment.replicaCount`",
    """
Kubernetes rejects a negative number of replicas (DC-3) when the servable is created.
""",
    bad="kind: DeploymentConfiguration\nname: small\ndeployment:\n  replicaCount: -1\n",
    good="kind: DeploymentConfiguration\nname: small\ndeployment:\n  replicaCount: 2\n",
)
HPA_OWNS_REPLICAS = _rule(
    "HY506", "hpa-owns-replicas", L.LINT, NOTE,
    "`deployment.replicaCount` next to `hpa`",
    """
With an autoscaler, the number of replicas is the autoscaler's to decide, between
`minReplicas` and `maxReplicas`; `replicaCount` only sets the starting point.
""",
    bad=_DC + "deployment:\n  replicaCount: 4\n",
    good=_DC,
)

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

QUANTITY = _rule(
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
MEMORY_MILLIBYTES = _rule(
    "HY508", "memory-millibytes", L.LINT, WARNING,
    "memory given in thousandths of a byte (`512m`)",
    """
`m` means thousandths: `memory: 512m` is half a byte, not 512 megabytes. Kubernetes accepts
it and the container cannot start, or is killed at once. Memory is written `512Mi` or `512M`.
""",
    bad=_RESOURCES.replace("memory: 1Gi", "memory: 512m"),
    good=_RESOURCES.replace("memory: 1Gi", "memory: 512Mi"),
)
REQUEST_ABOVE_LIMIT = _rule(
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
RESOURCE_NAME = _rule(
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
TOLERATION_OPERATOR = _rule(
    "HY511", "toleration-operator", L.MANAGER, ERROR,
    "a toleration `operator` other than `Equal` or `Exists`",
    """
The manager reads tolerations with skuber, which knows only the operators `Equal` and
`Exists` and answers anything else with "Unknown operator" (DC-7).
""",
    bad=_TOLERATION.replace("operator: Equal", "operator: equals"),
    good=_TOLERATION,
)
TOLERATION_EFFECT = _rule(
    "HY512", "toleration-effect", L.MANAGER, ERROR,
    "a toleration `effect` other than NoSchedule, PreferNoSchedule or NoExecute",
    """
A toleration's effect must be one of the taint effects `NoSchedule`, `PreferNoSchedule`
and `NoExecute`, or absent for all of them. The manager rejects any other value (DC-7).
""",
    bad=_TOLERATION.replace("effect: NoExecute", "effect: NoExec"),
    good=_TOLERATION,
)
TOLERATION_SECONDS = _rule(
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
)
TOLERATION_EXISTS_VALUE = _rule(
    "HY514", "toleration-exists-value", L.KUBERNETES, ERROR,
    "a toleration with `operator: Exists` and a `value`",
    """
`Exists` matches a taint by its key alone, so Kubernetes rejects a value next to it:
"value must be empty when `operator` is 'Exists'".
""",
    bad=_TOLERATION.replace("operator: Equal", "operator: Exists"),
    good=_TOLERATION,
)
TOLERATION_EMPTY_KEY = _rule(
    "HY515", "toleration-empty-key", L.KUBERNETES, ERROR,
    "a toleration with an empty `key` and an operator other than `Exists`",
    """
An empty key matches every taint, which only makes sense with `Exists`; Kubernetes rejects
it otherwise: "operator must be Exists when `key` is empty".
""",
    bad=_TOLERATION.replace("key: gpu", 'key: ""'),
    good=_TOLERATION,
)
TOLERATION_NULL_FIELD = _rule(
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
SELECTOR_OPERATOR = _rule(
    "HY517", "selector-operator", L.MANAGER, ERROR,
    "an affinity requirement `operator` the manager does not know",
    """
Node selector requirements take `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`;
label selector requirements (pod affinity) take `In`, `NotIn`, `Exists` or `DoesNotExist`.
The manager rejects any other operator (DC-8).
""",
    bad=_NODE_AFFINITY.replace("operator: In", "operator: in"),
    good=_NODE_AFFINITY,
)
SELECTOR_VALUES = _rule(
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
AFFINITY_WEIGHT = _rule(
    "HY519", "affinity-weight", L.KUBERNETES, ERROR,
    "a preferred affinity term's `weight` outside 1..100",
    """
Kubernetes weighs preferred scheduling terms from 1 to 100 and rejects other weights (DC-8).
""",
    bad=_NODE_AFFINITY.replace("weight: 50", "weight: 0"),
    good=_NODE_AFFINITY,
)
TOPOLOGY_KEY = _rule(
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
NAMESPACE_NAME = _rule(
    "HY521", "namespace-name", L.KUBERNETES, ERROR,
    "a pod affinity namespace that is not a valid namespace name",
    """
Namespace names are DNS labels: lowercase letters, digits and `-`, at most 63 characters,
starting and ending with a letter or digit. Kubernetes rejects other names in `namespaces`.
""",
    bad=_POD_AFFINITY.replace("namespaces: [models]", "namespaces: [ML_Models]"),
    good=_POD_AFFINITY,
)
LABEL_KEY = _rule(
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
LABEL_VALUE = _rule(
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
ENV_NAME = _rule(
    "HY524", "env-name", L.KUBERNETES, ERROR,
    "an environment variable name Kubernetes rejects",
    """
Kubernetes accepts environment variable names of letters, digits, `_`, `-` and `.` that do
not start with a digit.
""",
    bad=_ENV.replace("WORKERS:", "2WORKERS:"),
    good=_ENV,
)
ENV_LIST = _rule(
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
)
ENV_MANAGER_OVERRIDE = _rule(
    "HY526", "env-manager-override", L.MANAGER, ERROR,
    "an environment variable the manager overrides",
    """
The manager sets `APP_PORT` on every servable itself, after the configuration's `env`, so
a value given here is silently replaced (DC-5).
""",
    bad=_ENV.replace("WORKERS:", "APP_PORT:"),
    good=_ENV,
)
NODE_SELECTOR_TERMS = _rule(
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

# ---------------------------------------------------------------- across documents (hydro lint)
_CLAIMS = """\
kind: Model
name: claims
runtime: hydrosphere/serving-runtime-python-3.7:3.0.0
payload: []
contract:
  name: predict
  inputs:
    amount: {shape: scalar, type: double, profile: numerical}
  outputs:
    risk: {shape: scalar, type: double, profile: numerical}
---
kind: Model
name: scorer
runtime: hydrosphere/serving-runtime-python-3.7:3.0.0
payload: []
contract:
  name: predict
  inputs:
    risk: {shape: scalar, type: double, profile: numerical}
  outputs:
    decision: {shape: scalar, type: string, profile: categorical}
"""
_CLAIMS_PIPELINE = _CLAIMS + """\
---
kind: Application
name: claims-pipeline
pipeline:
  - - model: claims:1
  - - model: scorer:1
"""
_AB = _CLAIMS.replace("name: scorer", "name: scorer-b") + """\
---
kind: Model
name: scorer
runtime: hydrosphere/serving-runtime-python-3.7:3.0.0
payload: []
contract:
  name: predict
  inputs:
    risk: {shape: scalar, type: double, profile: numerical}
  outputs:
    decision: {shape: scalar, type: string, profile: categorical}
---
kind: Application
name: scorer-ab
pipeline:
  - - model: scorer:1
      weight: 50
    - model: scorer-b:1
      weight: 50
"""

UNRESOLVED_MODEL = _rule(
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
UNRESOLVED_DEPLOYMENT_CONFIGURATION = _rule(
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
PIPELINE_FIELD_MISSING = _rule(
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
PIPELINE_FIELD_MISMATCH = _rule(
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
VARIANT_SIGNATURE = _rule(
    "HY605", "variant-signature", L.MANAGER, ERROR,
    "the variants of one pipeline stage have different signature names",
    """
All variants of a stage (an A/B split) must have the same contract `name`; the manager
refuses the application otherwise: "Model Versions ... have different signature names"
(APP-6).
""",
    bad=_AB.replace("name: scorer-b\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.0\npayload: []\ncontract:\n  name: predict",
                    "name: scorer-b\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.0\npayload: []\ncontract:\n  name: score"),
    good=_AB,
    across_documents=True,
)
VARIANT_FIELDS = _rule(
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
DUPLICATE_CONFIGURATION = _rule(
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
DUPLICATE_APPLICATION = _rule(
    "HY608", "duplicate-application", L.LINT, WARNING,
    "two Applications with one name",
    """
`hs apply` deletes an existing application of the same name and creates the new one
(APP-10): of two Applications with one name in a repository, the one applied last wins.
""",
    bad=_MODEL + "---\n" + _APP + "---\n" + _APP.replace("census:1", "census:2"),
    good=_MODEL + "---\n" + _APP + "---\n" + _APP.replace("census-app", "census-app-v2"),
    across_documents=True,
)
UNUSED_SUPPRESSION = _rule(
    "HY609", "unused-suppression", L.LINT, WARNING,
    "a `# hydro: ignore[...]` comment that suppresses nothing",
    """
A suppression comment whose rule no longer fires on its line (or, for `ignore-file`, in its
file) is stale: remove it, so that it cannot hide a future problem.
""",
    bad=_APP.replace("model: census:1", "model: census:1  # hydro: ignore[HY401] old tag"),
    good=_APP.replace("model: census:1", "model: census  # hydro: ignore[HY401] pinned later"),
)


# ---------------------------------------------------------------- request bodies (check-request)
#: The Model the request rules' examples are bodies for.
REQUEST_MODEL = """\
kind: Model
name: claims
runtime: hydrosphere/serving-runtime-python-3.7:3.0.0
payload: []
contract:
  name: predict
  inputs:
    amount: {shape: scalar, type: double, profile: numerical}
    age: {shape: scalar, type: uint8, profile: numerical}
    history: {shape: [-1, 3], type: int32, profile: numerical}
    region: {shape: scalar, type: string, profile: categorical}
  outputs:
    risk: {shape: scalar, type: double, profile: numerical}
"""
_BODY = '{"amount": 120.5, "age": 42, "history": [[1, 2, 3]], "region": "north"}\n'

REQUEST_JSON = _rule(
    "HY701", "request-json", L.MANAGER, ERROR,
    "a request body that is not a JSON object",
    """
The gateway (`POST /gateway/application/<name>`) takes a JSON object with one key per
contract input. A body that does not parse as JSON, or is not an object, fails at once.
""",
    bad='{"amount": 120.5, "age": 42,\n',
    good=_BODY,
    on_requests=True,
)
REQUEST_MISSING_FIELD = _rule(
    "HY702", "request-missing-field", L.MANAGER, ERROR,
    "a contract input missing from the request",
    """
Every input of the contract must be in the request; the runtime calls the model's function
with all of them.
""",
    bad=_BODY.replace(', "region": "north"', ""),
    good=_BODY,
    on_requests=True,
)
REQUEST_UNKNOWN_FIELD = _rule(
    "HY703", "request-unknown-field", L.MANAGER, ERROR,
    "a request field the contract does not have",
    """
A field that is not an input of the contract is refused, or never reaches the model; it is
usually a misspelt input.
""",
    bad=_BODY.replace('"region"', '"regoin"'),
    good=_BODY,
    on_requests=True,
)
REQUEST_TYPE = _rule(
    "HY704", "request-type", L.MANAGER, ERROR,
    "a request value of the wrong JSON type for its field's type",
    """
Numbers for numeric types, `true`/`false` for `bool`, strings for `string`: a string where
a number is expected (or the other way round) cannot become the field's tensor.
""",
    bad=_BODY.replace("120.5", '"120.5"'),
    good=_BODY,
    on_requests=True,
)
REQUEST_RANGE = _rule(
    "HY705", "request-range", L.MANAGER, ERROR,
    "an integer outside the range of its field's type",
    """
`uint8` holds 0 to 255, `int32` -2147483648 to 2147483647, and so on; unsigned types take
no negative numbers. A value outside the range overflows or is refused.
""",
    bad=_BODY.replace('"age": 42', '"age": 300'),
    good=_BODY,
    on_requests=True,
)
REQUEST_FRACTION = _rule(
    "HY706", "request-fraction", L.MANAGER, ERROR,
    "a fractional number for an integer field",
    """
An integer type takes whole numbers; `42.5` for an `int32` field is truncated or refused.
""",
    bad=_BODY.replace('"age": 42', '"age": 42.5'),
    good=_BODY,
    on_requests=True,
)
REQUEST_SHAPE = _rule(
    "HY707", "request-shape", L.MANAGER, ERROR,
    "a request value whose nesting does not match its field's shape",
    """
A `scalar` field takes one value; a field of shape `[-1, 3]` a list of any length of lists
of exactly three values. Another depth (rank), another fixed size, or lists of different
lengths (ragged) cannot become the field's tensor.
""",
    bad=_BODY.replace("[[1, 2, 3]]", "[[1, 2, 3], [4, 5]]"),
    good=_BODY,
    on_requests=True,
)
