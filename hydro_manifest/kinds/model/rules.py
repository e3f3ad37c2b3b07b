"""Rules of `kind: Model`: names, runtime, payload, install command, training data and
the files it points at (on disk and on S3), metadata, monitoring, and the contract.

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ...rules import ERROR, MODEL_EXAMPLE, NOTE, SAFE, UNSAFE, WARNING, L, rule

MODEL_NAME = rule(
    "HY110", "model-name", L.MANAGER, ERROR,
    "a Model name outside `[a-z0-9_-]+`",
    """
The manager accepts model names of lowercase latin letters, digits, `-` and `_` only; no
dots, no uppercase, no spaces (NAME-1). It answers `Model name contains invalid
characters` after the payload has been packed and uploaded.
""",
    bad=MODEL_EXAMPLE.replace("name: census", "name: Census.v2"),
    good=MODEL_EXAMPLE,
    fix=UNSAFE,
)
MODEL_NAME_LENGTH = rule(
    "HY111", "model-name-length", L.KUBERNETES, WARNING,
    "a Model name long enough that some of its servable names break Kubernetes' limit",
    """
The manager names each servable `<model>-<version>-<adjective>-<noun>` (`Servable.fullName`),
drawing the adjective (3 to 11 letters) and the noun (3 to 10) at random, and that name
must fit a 63-character Kubernetes Service name (NAME-2). A model name over 36 characters
fits some draws and not others: the warning says from which version on, and for what
share of the draws, a deployment may fail. Over 53 characters no draw fits (HY113).
""",
    bad=MODEL_EXAMPLE.replace("name: census", "name: census-income-gradient-boosting-classifier-v2"),
    good=MODEL_EXAMPLE,
)
MODEL_NAME_IMAGE = rule(
    "HY112", "model-name-image", L.MANAGER, ERROR,
    "a Model name that cannot be a Docker image name",
    """
The manager builds an image named after the model. Docker repository names cannot start
or end with `-` or `_`, and allow only `_`, `__` or runs of `-` between letters and digits
(NAME-2). Names such as `-x`, `x_`, `a___b` or `a_-b` pass the upload and then fail the
image build: the model version ends up `Failed`.
""",
    bad=MODEL_EXAMPLE.replace("name: census", "name: census_"),
    good=MODEL_EXAMPLE,
)
MODEL_NAME_SERVICE = rule(
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
    bad=MODEL_EXAMPLE.replace("name: census", "name: 2021-census"),
    good=MODEL_EXAMPLE,
)
RUNTIME_REFERENCE = rule(
    "HY201", "runtime-reference", L.HS_CLI, ERROR,
    "a `runtime` that is not a valid Docker image reference",
    """
`runtime` is a Docker image reference, `[registry[:port]/]name:tag`, parsed by `hs apply`
before anything is uploaded (MOD-2). It must be lowercase, the tag must match
`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}` and the name may be 255 characters at most. Template
placeholders from the docs such as `$released_version$` are not tags.
""",
    bad=MODEL_EXAMPLE.replace(":3.0.0", ":$released_version$"),
    good=MODEL_EXAMPLE,
)
RUNTIME_TAG_MISSING = rule(
    "HY202", "runtime-tag-missing", L.HS_CLI, ERROR,
    "a `runtime` image without a tag",
    """
`hs apply` 3.0.3 requires an explicit tag on the runtime image (MOD-2); `image` alone and
digest-only references (`image@sha256:...`) are rejected. Pin a released version.
""",
    bad=MODEL_EXAMPLE.replace(":3.0.0", ""),
    good=MODEL_EXAMPLE,
)
RUNTIME_FLOATING_TAG = rule(
    "HY203", "runtime-floating-tag", L.LINT, WARNING,
    "a `runtime` tagged `latest` or `dev`",
    """
A floating tag means the model can be rebuilt on a different runtime than the one it was
tested with. Pin a released version of the runtime image.
""",
    bad=MODEL_EXAMPLE.replace(":3.0.0", ":latest"),
    good=MODEL_EXAMPLE,
)
RUNTIME_DIGEST_DROPPED = rule(
    "HY204", "runtime-digest-dropped", L.HS_CLI, ERROR,
    "a `runtime` with both a tag and a digest (the digest is dropped)",
    """
`hs apply` keeps the tag and silently drops a digest that follows it (MOD-2), so the
image is not pinned the way the manifest says. Use the tag alone.
""",
    bad=MODEL_EXAMPLE.replace(":3.0.0", ":3.0.0@sha256:" + "0" * 64),
    good=MODEL_EXAMPLE,
)
MISSING_PAYLOAD = rule(
    "HY205", "missing-payload", L.HS_CLI, ERROR,
    "a Model without `payload`",
    """
The docs call `payload` optional, but `hs apply` 3.0.3 requires it (`payload field
required`, MOD-1). List the model's files and folders; an empty list `[]` is allowed.
""",
    bad=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]\n", ""),
    good=MODEL_EXAMPLE,
)
PAYLOAD_ENTRY = rule(
    "HY206", "payload-entry", L.LINT, ERROR,
    "an empty `payload` entry",
    """
An empty entry names no file; `hs apply` would archive the manifest's whole folder under
an empty name.
""",
    bad=MODEL_EXAMPLE.replace("[src/, requirements.txt]", "[src/, '']"),
    good=MODEL_EXAMPLE,
)
PAYLOAD_GLOB = rule(
    "HY207", "payload-glob", L.HS_CLI, WARNING,
    "a glob pattern in `payload`",
    """
`hs apply` 2.x expanded globs in payload entries; 3.x does not, and looks for a file
literally named `*` (MOD-3), failing with `FileNotFoundError` while packing. List the
files or the folder instead (`./` or `src/`).
""",
    bad=MODEL_EXAMPLE.replace("[src/, requirements.txt]", "['./*']"),
    good=MODEL_EXAMPLE,
)
PAYLOAD_OUTSIDE = rule(
    "HY208", "payload-outside", L.LINT, WARNING,
    "a `payload` entry that is absolute or leaves the manifest's folder",
    """
Entries are archived under the path as written and unpacked under `/model/files` (MOD-3).
An absolute path keeps its whole host path (`/home/me/model.pkl` lands in
`/model/files/home/me/model.pkl`) and `../x` lands outside `/model/files`, so the model's
code will not find the file where it expects it.
""",
    bad=MODEL_EXAMPLE.replace("[src/, requirements.txt]", "[src/, ../shared/requirements.txt]"),
    good=MODEL_EXAMPLE,
)
PAYLOAD_HIDDEN = rule(
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
    bad=MODEL_EXAMPLE.replace("[src/, requirements.txt]", "[src/, requirements.txt, .env]"),
    good=MODEL_EXAMPLE,
)
INSTALL_COMMAND_EMPTY = rule(
    "HY210", "install-command-empty", L.LINT, ERROR,
    "an empty `install-command`",
    """
An empty `install-command` does nothing (`hs` treats it as absent, MOD-4) and usually means
a command was lost in editing. Write the command or remove the key.
""",
    bad=MODEL_EXAMPLE.replace("payload:", "install-command: ''\npayload:"),
    good=MODEL_EXAMPLE.replace("payload:", "install-command: pip install -r requirements.txt\npayload:"),
)
INSTALL_COMMAND_MULTILINE = rule(
    "HY211", "install-command-multiline", L.MANAGER, WARNING,
    "a multi-line `install-command`",
    """
The command becomes one `RUN` line of the generated Dockerfile (MOD-4); a second line
breaks the build, and the model version ends up `Failed`. Join the commands with `&&` on
one line, or use a folded scalar (`>-`).
""",
    bad=MODEL_EXAMPLE.replace("payload:", "install-command: |\n  pip install --upgrade pip\n  pip install -r requirements.txt\npayload:"),
    good=MODEL_EXAMPLE.replace("payload:", "install-command: >-\n  pip install --upgrade pip &&\n  pip install -r requirements.txt\npayload:"),
)
TRAINING_DATA = rule(
    "HY212", "training-data", L.DOCS, ERROR,
    "`training-data` that is neither a local `.csv` nor `s3://bucket/key.csv`",
    """
The docs support only CSV training data, given as a path relative to the manifest's
folder or as an S3 URI (MOD-5). Other schemes (`gs://`, `http://`) are treated by `hs` as
local paths and fail; other formats are not profiled.
""",
    bad=MODEL_EXAMPLE.replace("payload:", "training-data: s3://bucket/train.parquet\npayload:"),
    good=MODEL_EXAMPLE.replace("payload:", "training-data: s3://bucket/train.csv\npayload:"),
)
METRIC_OPERATOR = rule(
    "HY214", "metric-operator", L.MANAGER, ERROR,
    "a metric `operator` the manager does not know",
    """
The manager compares a metric to its threshold with one of `Eq`, `NotEq`, `Greater`,
`Less`, `GreaterEq`, `LessEq` (MOD-8). `hs` 2.x translated symbols such as `<=`; 3.x
passes them through and the manager rejects them after the model was uploaded.
""",
    bad=MODEL_EXAMPLE + "monitoring:\n  - name: drift\n    config:\n      monitoring-model: census_drift:1\n"
    "      threshold: 0.5\n      operator: '<='\n",
    good=MODEL_EXAMPLE + "monitoring:\n  - name: drift\n    config:\n      monitoring-model: census_drift:1\n"
    "      threshold: 0.5\n      operator: LessEq\n",
    fix=SAFE,
)
BATCH_SIZE = rule(
    "HY215", "batch-size", L.LINT, ERROR,
    "a monitoring `batch-size` below 1",
    """
`batch-size` is how many requests the monitoring collects per batch. No layer checks it
(MOD-7), and zero or a negative size cannot mean anything. The manager's default is 100.
""",
    bad=MODEL_EXAMPLE + "monitoring-configuration:\n  batch-size: 0\n",
    good=MODEL_EXAMPLE + "monitoring-configuration:\n  batch-size: 100\n",
)
PAYLOAD_NOT_FOUND = rule(
    "HY216", "payload-not-found", L.HS_CLI, ERROR,
    "a `payload` entry that does not exist",
    """
`hs apply` resolves payload entries relative to the manifest's folder and fails, after it
has started packing, when one is missing. hydro resolves them the same way and reports the
absolute path it tried. Switch file checks off (`--no-file-checks`) to validate a manifest
away from its files.
""",
    bad=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]", "payload: [scr/]"),
    good=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]", "payload: [src/]"),
)
PAYLOAD_FOLDER = rule(
    "HY217", "payload-folder", L.LINT, ERROR,
    "a `payload` folder that is empty, or an entry ending in `/` that is a file",
    """
A folder in `payload` is packed with its files; an empty folder uploads nothing, so the
model cannot find what it was meant to load. An entry written as a folder (`model.pkl/`)
that is a file is a typo that `hs` treats inconsistently.
""",
    bad=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]", "payload: [empty/]"),
    good=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]", "payload: [src/]"),
)
PAYLOAD_DUPLICATE = rule(
    "HY218", "payload-duplicate", L.LINT, WARNING,
    "two `payload` entries naming the same file",
    """
An entry that names the same file as another, or a file inside a folder that is already
listed, is packed twice. It is harmless but usually a leftover of an edit.
""",
    bad=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]", "payload: [src/, src/func_main.py]"),
    good=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]", "payload: [src/]"),
    fix=SAFE,
)
TRAINING_DATA_NOT_FOUND = rule(
    "HY219", "training-data-not-found", L.HS_CLI, ERROR,
    "local `training-data` that does not exist or cannot be read",
    """
A local `training-data` path is resolved relative to the manifest's folder, and `hs apply`
stops with "Can't find training data file" when it is missing (MOD-5), after the model has
been uploaded. hydro reports the absolute path it tried.
""",
    bad=MODEL_EXAMPLE + "training-data: data/trian.csv\n",
    good=MODEL_EXAMPLE + "training-data: data/train.csv\n",
)
TRAINING_DATA_CSV = rule(
    "HY220", "training-data-csv", L.DOCS, ERROR,
    "training data that is empty or not a CSV file",
    """
The monitoring profiles the training data as CSV with a header line. hydro reads only the
first bytes of the file (or of the S3 object) and reports one that is empty, binary, not
UTF-8 text, or without a header.
""",
    bad=MODEL_EXAMPLE + "training-data: data/empty.csv\n",
    good=MODEL_EXAMPLE + "training-data: data/train.csv\n",
)
TRAINING_DATA_COLUMNS = rule(
    "HY221", "training-data-columns", L.LINT, WARNING,
    "a contract input without a column in the training data",
    """
The monitoring compares each input with the training data's column of the same name. An
input without a column has no reference profile, which usually means a renamed field or
the wrong file. Read from the CSV header only.
""",
    bad=MODEL_EXAMPLE + "training-data: data/other.csv\n",
    good=MODEL_EXAMPLE + "training-data: data/train.csv\n",
)
S3_OBJECT = rule(
    "HY222", "s3-object", L.MANAGER, ERROR,
    "`training-data` on S3 that does not exist or is empty (`--remote`)",
    """
`hs apply` passes an `s3://` address to the monitoring service unchecked, and the upload
of the training data fails later. With `--remote`, hydro asks S3 (HEAD, then the first
bytes only): the bucket and the object must exist and the object must not be empty.
""",
    bad=MODEL_EXAMPLE + "training-data: s3://census-data/missing.csv\n",
    good=MODEL_EXAMPLE + "training-data: s3://census-data/train.csv\n",
)
S3_UNAVAILABLE = rule(
    "HY223", "s3-unavailable", L.LINT, ERROR,
    "S3 could not be asked about `training-data` (`--remote`)",
    """
With `--remote`, an S3 check that cannot be made is reported instead of passed over: no
credentials, access denied, a bucket in another region, an endpoint that cannot be reached
or does not answer in time. Credentials and region come the standard boto3 way;
`--s3-endpoint-url` or `AWS_ENDPOINT_URL` reach S3-compatible stores.
""",
    bad=MODEL_EXAMPLE + "training-data: s3://census-data/train.csv\n",
    good=MODEL_EXAMPLE,
)
MISSING_CONTRACT = rule(
    "HY301", "missing-contract", L.HS_CLI, ERROR,
    "a Model without `contract`",
    """
`hs apply` 3.x requires a contract (`contract field required`, MOD-1, MOD-10), although
the manager could infer one for some model formats. Describe the inputs and outputs.
""",
    bad=MODEL_EXAMPLE.split("contract:")[0],
    good=MODEL_EXAMPLE,
)
SIGNATURE_NAME = rule(
    "HY302", "signature-name", L.MANAGER, ERROR,
    "an empty or blank contract `name`",
    """
The contract `name` is the signature the runtime calls (for Python runtimes, the function
in `src/func_main.py`). `hs` rejects an empty one and the manager a blank one (CON-2).
Write the name or leave the key out to use `predict`.
""",
    bad=MODEL_EXAMPLE.replace("  name: predict", "  name: ' '"),
    good=MODEL_EXAMPLE,
)
DEFAULT_SIGNATURE = rule(
    "HY303", "default-signature", L.LINT, NOTE,
    "no contract `name`: the signature is `predict`",
    """
Without `name` the contract's signature is `predict` (CON-2; it was `Predict` in 2.x).
For a Python runtime, the function in `src/func_main.py` must have that name.
""",
    bad=MODEL_EXAMPLE.replace("  name: predict\n", ""),
    good=MODEL_EXAMPLE,
)
EMPTY_FIELDS = rule(
    "HY304", "empty-fields", L.MANAGER, ERROR,
    "a contract with no inputs or no outputs",
    """
A contract needs at least one input and one output (CON-3); the SDK and the manager
reject empty ones.
""",
    bad=MODEL_EXAMPLE.replace("  outputs:\n    income: {shape: scalar, type: string, profile: categorical}",
                       "  outputs: {}"),
    good=MODEL_EXAMPLE,
)
FIELD_SHAPE = rule(
    "HY305", "field-shape", L.DOCS, ERROR,
    "a `shape` that is neither `scalar` nor a list of integers",
    """
`shape` is `scalar` or a list of integer dimensions (`[-1, 28, 28]`). `hs` silently turns
any other text (`vector`, a quoted `"[-1, 2]"`) and a bare number into a scalar (CON-7),
so the model would receive something else than the manifest says.
""",
    bad=MODEL_EXAMPLE.replace("age: {shape: scalar", "age: {shape: vector"),
    good=MODEL_EXAMPLE,
)
SHAPE_WILDCARD = rule(
    "HY306", "shape-wildcard", L.DOCS, ERROR,
    "`-1` in a `shape` anywhere but the first dimension",
    """
The docs allow `-1` ("any number of entities") only as the first dimension (CON-7). The
platform does not check it, but other tools and the monitoring rely on it.
""",
    bad=MODEL_EXAMPLE.replace("age: {shape: scalar", "age: {shape: [28, -1]"),
    good=MODEL_EXAMPLE.replace("age: {shape: scalar", "age: {shape: [-1, 28]"),
)
SHAPE_DIMENSION = rule(
    "HY307", "shape-dimension", L.LINT, ERROR,
    "a `shape` dimension that is zero or negative (other than `-1`)",
    """
A dimension is a positive size or the wildcard `-1`. Zero holds no data and `-5` means
nothing; no layer checks them (CON-7).
""",
    bad=MODEL_EXAMPLE.replace("age: {shape: scalar", "age: {shape: [-1, 0]"),
    good=MODEL_EXAMPLE.replace("age: {shape: scalar", "age: {shape: [-1, 1]"),
)
EMPTY_SHAPE = rule(
    "HY308", "empty-shape", L.LINT, WARNING,
    "`shape: []`, which means `scalar`",
    """
An empty list of dimensions is a scalar to the platform (CON-7). Write `shape: scalar` so
readers do not take it for an unfinished list.
""",
    bad=MODEL_EXAMPLE.replace("age: {shape: scalar", "age: {shape: []"),
    good=MODEL_EXAMPLE,
    fix=SAFE,
)
UNKNOWN_TYPE = rule(
    "HY309", "unknown-type", L.HS_CLI, ERROR,
    "a field `type` that `hs` does not know",
    """
The type must be one of the documented names, spelt exactly (lowercase): bool, string,
half, float16, float32, double, float64, uint8, uint16, uint32, uint64, int8, int16, int32,
int64, qint8, quint8, qint16, quint16, complex64, complex128 (CON-6). `int`, `float` and
`str` are not among them.
""",
    bad=MODEL_EXAMPLE.replace("type: int64", "type: float"),
    good=MODEL_EXAMPLE,
    fix=UNSAFE,
)
UNDOCUMENTED_TYPE = rule(
    "HY310", "undocumented-type", L.DOCS, ERROR,
    "a field `type` that `hs` accepts but the docs do not list",
    """
`hs` 3.0.3 also maps `qint32`, which the docs leave out (CON-6). Other clients and the
docs do not promise it; use a documented type.
""",
    bad=MODEL_EXAMPLE.replace("type: int64", "type: qint32"),
    good=MODEL_EXAMPLE,
)
MISSING_PROFILE = rule(
    "HY311", "missing-profile", L.HS_CLI, ERROR,
    "a contract field without `profile`",
    """
The docs call `profile` optional, but `hs apply` 3.0.3 requires it on every field
(`profile field required`, CON-5) — the most common failure in real manifests. Use
`numerical`, `categorical`, `text` or `image`.
""",
    bad=MODEL_EXAMPLE.replace(", profile: numerical}", "}"),
    good=MODEL_EXAMPLE,
    fix=UNSAFE,
)
UNKNOWN_PROFILE = rule(
    "HY312", "unknown-profile", L.HS_CLI, ERROR,
    "a field `profile` that `hs` does not know",
    """
The documented profiles are `text`, `image`, `numerical` and `categorical` (CON-8).
`hs` crashes with `unknown enum label` on anything else.
""",
    bad=MODEL_EXAMPLE.replace("profile: numerical", "profile: numeric"),
    good=MODEL_EXAMPLE,
    fix=UNSAFE,
)
UNDOCUMENTED_PROFILE = rule(
    "HY313", "undocumented-profile", L.DOCS, ERROR,
    "a field `profile` that `hs` accepts but the docs do not list",
    """
`hs` 3.0.3 accepts every DataProfileType name (`nominal`, `ordinal`, `continuous`,
`interval`, `ratio`, `video`, `audio`, `none`), but the docs list four (CON-8) and the
monitoring treats the others as unknown. Use `text`, `image`, `numerical` or
`categorical`.
""",
    bad=MODEL_EXAMPLE.replace("profile: numerical", "profile: continuous"),
    good=MODEL_EXAMPLE,
)
PROFILE_CASE = rule(
    "HY314", "profile-case", L.LINT, WARNING,
    "a `profile` spelt in capitals",
    """
`hs` upper-cases profiles, so `IMAGE` works, but the documented spelling is lowercase.
""",
    bad=MODEL_EXAMPLE.replace("profile: numerical", "profile: NUMERICAL"),
    good=MODEL_EXAMPLE,
    fix=SAFE,
)
FIELD_NAME = rule(
    "HY315", "field-name", L.LINT, WARNING,
    "a field name that is not a Python identifier, when the function's parameters are not seen",
    """
The Python runtime passes inputs as keyword arguments (CON-4), so a name such as
`marital-status` or `Marital Status` only reaches a function that takes `**kwargs`. When
hydro reads `func_main.py`, the function's signature decides (HY812); this warning is the
guess left when the parameters are not seen: with `--no-file-checks`, or when the function
is assigned or imported (`predict = Scorer().predict`). Use snake_case names, or make sure
the function accepts `**kwargs`.
""",
    bad=MODEL_EXAMPLE.replace("    age: {", "    age-years: {"),
    good=MODEL_EXAMPLE,
    bad_files={
        "src/func_main.py": "from scorer import Scorer\n\npredict = Scorer('/model/files/').predict\n",
        "src/scorer.py": "class Scorer:\n    def __init__(self, folder):\n        self.folder = folder\n",
    },
)
