"""Rules of reading a file and of the document stage: the YAML itself (HY0xx), kinds,
keys and values every kind shares (HY1xx), and comments that suppress nothing (HY609).

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ..rules import (
    APPLICATION_EXAMPLE,
    CONFIGURATION_EXAMPLE,
    ERROR,
    MODEL_EXAMPLE,
    SAFE,
    UNSAFE,
    WARNING,
    L,
    rule,
)

YAML_SYNTAX = rule(
    "HY001", "yaml-syntax", L.YAML, ERROR,
    "the file is not valid YAML",
    """
The YAML parser stopped here. The usual causes are a tab used for indentation (YAML
indents with spaces only), an unclosed bracket or quote, a key indented differently from
its siblings, or a `key: value` where the value itself contains `: `.
Documents before the error are still checked; the rest of the file is not.
""",
    bad="kind: Model\nname: census\ncontract:\n\tinputs: {}\n",
    good=APPLICATION_EXAMPLE,
)
ENCODING = rule(
    "HY002", "encoding", L.YAML, ERROR,
    "the file is not UTF-8",
    """
`hs apply` reads manifests as UTF-8. A file in another encoding (Latin-1, UTF-16, a
Windows code page) fails to load or loads with garbled text. The finding points at the
first byte that is not UTF-8. Re-save the file as UTF-8.
""",
    bad="kind: Application\nname: caf\xe9\nsingular:\n  model: census:1\n",
    good=APPLICATION_EXAMPLE,
)
BYTE_ORDER_MARK = rule(
    "HY003", "byte-order-mark", L.LINT, WARNING,
    "the file starts with a byte-order mark",
    """
A UTF-8 byte-order mark is invisible in most editors and confuses tools that concatenate
or compare files (shell scripts, `cat`, diff tools, some YAML parsers). PyYAML skips it,
so `hs apply` works. Save the file as UTF-8 without BOM.
""",
    bad="\ufeff" + APPLICATION_EXAMPLE,
    good=APPLICATION_EXAMPLE,
    fix=SAFE,
)
NOT_A_MAPPING = rule(
    "HY004", "not-a-mapping", L.YAML, ERROR,
    "a document is not a mapping of keys to values",
    """
Every document in a manifest file must be a mapping with `kind`, `name` and the fields of
its kind. A list or a bare value makes `hs apply` crash (GEN-2). This often comes from a
leading `-` that turns the whole document into a list.
""",
    bad="- kind: Application\n  name: census-app\n  singular:\n    model: census:1\n",
    good=APPLICATION_EXAMPLE,
)
EMPTY_DOCUMENT = rule(
    "HY005", "empty-document", L.YAML, ERROR,
    "an empty document between `---` markers",
    """
A `---` that starts no content (two markers in a row, or one at the end of the file)
makes an empty document, and `hs apply` crashes on it with
`'NoneType' object has no attribute 'get'` (GEN-2). Remove the extra `---`.
""",
    bad=APPLICATION_EXAMPLE + "---\n",
    good=APPLICATION_EXAMPLE,
    fix=SAFE,
)
NO_DOCUMENTS = rule(
    "HY006", "no-documents", L.YAML, ERROR,
    "the file holds no document",
    """
The file is empty or holds only comments, so there is nothing to apply. `hs apply` would
do nothing and say nothing.
""",
    bad="# kind: Model (commented out)\n",
    good=APPLICATION_EXAMPLE,
)
DUPLICATE_KEY = rule(
    "HY007", "duplicate-key", L.HS_CLI, ERROR,
    "the same key twice in one mapping",
    """
YAML loaders used by the platform keep only the last of two equal keys and drop the
other without a word (GEN-9). A contract with two fields of one name silently loses the
first. Both lines are named; rename or remove one.
""",
    bad=MODEL_EXAMPLE.replace(
        "    income: {shape: scalar, type: string, profile: categorical}",
        "    income: {shape: scalar, type: string, profile: categorical}\n"
        "    income: {shape: scalar, type: double, profile: numerical}",
    ),
    good=MODEL_EXAMPLE,
)
NON_STRING_KEY = rule(
    "HY008", "non-string-key", L.HS_CLI, ERROR,
    "a key that is empty, null or a collection",
    """
Keys must be text. `~:` or an empty key is null, and `? [a, b]` is a list: neither names
a field, and the platform turns them into the text `None` or rejects them.
""",
    bad=MODEL_EXAMPLE.replace("    age: {", "    ~: {"),
    good=MODEL_EXAMPLE,
)
UNSUPPORTED_TAG = rule(
    "HY009", "unsupported-tag", L.HS_CLI, ERROR,
    "a YAML tag outside the core schema",
    """
Manifests are plain data. Tags such as `!!python/object`, `!!binary`, `!!set` or custom
`!Ref` tags are refused by the safe loader `hs apply` uses; hydro reports them at the
tagged node and never constructs them. A plain `=` is YAML 1.1's `value` tag and fails in
the same way. Remove the tag (quote the value if it is text).
""",
    bad=MODEL_EXAMPLE.replace("name: census", "name: !!python/name:os.system census"),
    good=MODEL_EXAMPLE,
)
ALIAS_EXPANSION = rule(
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
NESTING_TOO_DEEP = rule(
    "HY011", "nesting-too-deep", L.YAML, ERROR,
    "the document nests deeper than any manifest can",
    """
No manifest nests more than a dozen levels. A document nested hundreds of levels deep is
generated or hostile input; hydro stops at 200 levels rather than risk the parser's
stack.
""",
    bad="a: " + "[" * 300 + "]" * 300 + "\n",
    good=APPLICATION_EXAMPLE,
)
QUOTE_IT = rule(
    "HY012", "quote-it", L.HS_CLI, ERROR,
    "YAML reads this text as another type, and the platform would change it",
    """
`hs apply` reads YAML 1.1, where unquoted `yes`, `no`, `on`, `off` are booleans, `1.10` is
the number 1.1, `010` is octal 8, `1:30` is 90 and `2021-01-01` a date. Where a string is
expected the platform turns the value back into text, so `yes` arrives as `True` and
`1.10` as `1.1` (GEN-8, GEN-9). Quote the value to keep what you wrote. A number whose
text survives unchanged (`cpu: 2`, `PORT: 8080`, `name: 123`) is accepted as that text.
""",
    bad=APPLICATION_EXAMPLE.replace("name: census-app", "name: census-app\nmetadata:\n  release: 1.10"),
    good=APPLICATION_EXAMPLE.replace("name: census-app", "name: census-app\nmetadata:\n  release: '1.10'"),
    fix=SAFE,
)
READ_ERROR = rule(
    "HY013", "read-error", L.YAML, ERROR,
    "the file cannot be read",
    """
The operating system refused to read the file (permissions, a directory or device where a
file was expected, a file that vanished). The other files are still checked.
""",
    bad="# (a file without read permission)\n",
    good=APPLICATION_EXAMPLE,
)
FILE_TOO_LARGE = rule(
    "HY014", "file-too-large", L.LINT, ERROR,
    "a file larger than hydro reads (10 MiB unless --max-file-size says otherwise)",
    """
Manifests are a few kilobytes. A file of many megabytes is generated, a data file with a
YAML name, or hostile; hydro reports it instead of reading it, so that one such file cannot
exhaust memory or time. `--max-file-size MIB` (or `max-file-size` in the configuration)
raises the limit.
""",
    bad="# (a file of more than 10 MiB)\n",
    good=APPLICATION_EXAMPLE,
)
METADATA_BOOLEAN = rule(
    "HY015", "metadata-boolean", L.HS_CLI, WARNING,
    "a boolean under `metadata`, which arrives as the text `True` or `False`",
    """
The docs list booleans among metadata values, so `calibrated: true` is allowed; but
metadata is text on the platform and `hs apply` turns the boolean into `True` or `False`
(GEN-8). YAML 1.1 also reads `yes`, `no`, `on` and `off` as booleans, so `approved: yes`
arrives as `True`. Quote the value if the text you wrote matters. Numbers whose text
would change (`0.940` becomes `0.94`) stay errors (HY012).
""",
    bad=APPLICATION_EXAMPLE.replace("name: census-app", "name: census-app\nmetadata:\n  approved: yes"),
    good=APPLICATION_EXAMPLE.replace("name: census-app", "name: census-app\nmetadata:\n  approved: 'yes'"),
    fix=UNSAFE,
)
INNER_BYTE_ORDER_MARK = rule(
    "HY017", "inner-byte-order-mark", L.HS_CLI, ERROR,
    "a byte-order mark inside the file, where files were joined",
    """
A UTF-8 byte-order mark (U+FEFF) is invisible. At the start of a file PyYAML skips it
(HY003); further on, as when `cat a.yaml b.yaml` joins two files saved with one, it
becomes part of the next key, so `hs apply` reads `\\ufeffkind` instead of `kind` and
stops with "No 'kind' field specified". hydro says where it is and reads the document
as if it were not there.
""",
    bad=APPLICATION_EXAMPLE + "---\n\ufeff" + APPLICATION_EXAMPLE.replace("census-app", "census-app-2"),
    good=APPLICATION_EXAMPLE + "---\n" + APPLICATION_EXAMPLE.replace("census-app", "census-app-2"),
    fix=SAFE,
)
UNICODE_SPACE_INDENT = rule(
    "HY018", "unicode-space-indent", L.HS_CLI, ERROR,
    "a line indented with a no-break or other Unicode space",
    """
YAML indents with plain spaces (U+0020) only. A no-break space (U+00A0), often pasted from
a web page, a chat or a word processor, looks the same but is read as text: `  model:`
becomes a key named `\\u00a0\\u00a0model` at the wrong level, which the platform drops.
hydro names the character and its column, and reads the line as it was meant.
""",
    bad=APPLICATION_EXAMPLE.replace("  model: census:1", "\u00a0\u00a0model: census:1"),
    good=APPLICATION_EXAMPLE,
    fix=SAFE,
)
OUTSIDE_ROOT = rule(
    "HY019", "outside-root", L.LINT, WARNING,
    "a path whose real location leaves the repository root, which hydro does not open",
    """
hydro runs on pull requests anyone can write, and its reports are read by more people
than the repository's secrets. So it opens no file whose real location (symbolic links
resolved) lies outside the repository root: the nearest folder above the manifest that
holds `.git`, else the folder given to `hydro lint` or the manifest's own folder (`--root`
or `root` in the configuration set it). A payload entry, training data, a `-r` or
`PIP_CONFIG_FILE` path, a manifest or a folder that leads out is reported instead of read,
so hydro cannot say more about it. Whether `hs apply` on your machine would pack it is
HY208's question; a checkout of the repository alone does not have it.
""",
    bad=MODEL_EXAMPLE.replace("[src/, requirements.txt]", "[src/, ../model.joblib]"),
    good=MODEL_EXAMPLE,
)
SYMLINK_LOOP = rule(
    "HY020", "symlink-loop", L.LINT, WARNING,
    "a symbolic link to a folder that holds it: the walk would never end",
    """
`hydro lint` walks the folders it is given. A symbolic link that leads back to a folder
above it (`loop -> ..`) would make the walk endless; it is reported and not followed. A
link to a folder that lies outside the repository root is not followed either (HY019).
""",
    bad="# (a folder holding `loop -> ..`)\n",
    good=APPLICATION_EXAMPLE,
)
NUL_CHARACTER = rule(
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
    bad=MODEL_EXAMPLE.replace("[src/, requirements.txt]", '[src/, "requirements.txt\\0"]'),
    good=MODEL_EXAMPLE,
)
MISSING_KIND = rule(
    "HY101", "missing-kind", L.HS_CLI, ERROR,
    "a document without `kind`",
    """
Every resource definition names its `kind`: Model, Application or
DeploymentConfiguration. Without it `hs apply` stops with "No 'kind' field specified"
(GEN-3). hydro says which kind the keys suggest.
""",
    bad=APPLICATION_EXAMPLE.replace("kind: Application\n", ""),
    good=APPLICATION_EXAMPLE,
)
UNKNOWN_KIND = rule(
    "HY102", "unknown-kind", L.HS_CLI, ERROR,
    "a `kind` that is not Model, Application or DeploymentConfiguration",
    """
`hs apply` 3.x knows exactly three kinds, spelled exactly so (GEN-4). Kinds of older
releases (`DeploymentConfig`, `HostSelector`, `Runtime`, `Environment`) are rejected.
When the intended kind is clear, hydro checks the document as that kind as well.
""",
    bad=MODEL_EXAMPLE.replace("kind: Model", "kind: Modle"),
    good=MODEL_EXAMPLE,
    fix=UNSAFE,
)
MISSING_FIELD = rule(
    "HY103", "missing-field", L.MANAGER, ERROR,
    "a required field is missing",
    """
The field is required by the spec and by the platform: `name` on every kind, `runtime` on
a Model, `inputs` and `outputs` of a contract, `type` of a contract field, `model` of an
application stage, `threshold` and `operator` of a metric, `maxReplicas` of an hpa.
The finding points at the mapping that lacks it.
""",
    bad=MODEL_EXAMPLE.replace("runtime: hydrosphere/serving-runtime-python-3.7:3.0.0\n", ""),
    good=MODEL_EXAMPLE,
)
UNKNOWN_KEY = rule(
    "HY104", "unknown-key", L.HS_CLI, ERROR,
    "a key the platform does not read (it is dropped silently)",
    """
`hs apply` ignores keys it does not know, at every level and without a warning (GEN-6),
so a misspelt key (`instal-command`, `min-replicas`, `tolerationSecond`) silently loses
what it says. hydro lists the keys valid at that place and suggests the closest one.
Model and Application keys are kebab-case; DeploymentConfiguration keys are camelCase.
""",
    bad=MODEL_EXAMPLE.replace("payload:", "install-comand: pip install -r requirements.txt\npayload:"),
    good=MODEL_EXAMPLE.replace("payload:", "install-command: pip install -r requirements.txt\npayload:"),
    fix=UNSAFE,
)
NON_CANONICAL_KEY = rule(
    "HY105", "non-canonical-key", L.LINT, WARNING,
    "a key spelling the platform accepts that is not the documented one",
    """
`hs apply` also accepts the Python spelling of a key (`install_command` for
`install-command`, `min_replicas` for `minReplicas`) (GEN-7). It works, but the
documented spelling is what readers, the docs and other tools expect.
""",
    bad=MODEL_EXAMPLE.replace("payload:", "install_command: pip install -r requirements.txt\npayload:"),
    good=MODEL_EXAMPLE.replace("payload:", "install-command: pip install -r requirements.txt\npayload:"),
    fix=SAFE,
)
LEGACY_KEY = rule(
    "HY106", "legacy-key", L.LINT, WARNING,
    "a key left over from an older manifest format",
    """
Keys such as `version` and `model-type` belonged to 1.x and 2.x manifests. `hs apply`
3.x ignores them; they only mislead readers. The finding says what replaces them.
""",
    bad="version: 2\n" + MODEL_EXAMPLE,
    good=MODEL_EXAMPLE,
    fix=UNSAFE,
)
WRONG_TYPE = rule(
    "HY107", "wrong-type", L.MANAGER, ERROR,
    "a value of the wrong kind (text, number, list or mapping)",
    """
The value has the wrong YAML type for its place: a list where a mapping is expected, a
mapping where text is expected, text where a number is expected. Integers must be
written without a fraction (`weight: 80.5` would be cut to 80).
""",
    bad=CONFIGURATION_EXAMPLE.replace("maxReplicas: 4", 'maxReplicas: "4"'),
    good=CONFIGURATION_EXAMPLE,
    fix=SAFE,
)
UNUSED_SUPPRESSION = rule(
    "HY609", "unused-suppression", L.LINT, WARNING,
    "a `# hydro: ignore[...]` comment that suppresses nothing",
    """
A suppression comment whose rule no longer fires on its line (or, for `ignore-file`, in its
file) is stale: remove it, so that it cannot hide a future problem.
""",
    bad=APPLICATION_EXAMPLE.replace("model: census:1", "model: census:1  # hydro: ignore[HY401] old tag"),
    good=APPLICATION_EXAMPLE.replace("model: census:1", "model: census  # hydro: ignore[HY401] pinned later"),
    fix=SAFE,
)
