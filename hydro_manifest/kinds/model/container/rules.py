"""Rules of the model's container: what its image build installs (layer `build`) and what
the Python runtime imports and calls (layer `runtime`), read from the files the payload
ships, never run.

Each rule is declared here, beside the code of this folder that raises it (those of the
runtime image in `image_rules`). Their examples are a manifest and the files beside it.
"""

from __future__ import annotations

from ....rules import ERROR, MODEL_EXAMPLE, NOTE, WARNING, L, rule

EXAMPLE_PINNED = {"requirements.txt": "numpy==1.21.6\n"}
EXAMPLE_INSTALLING = MODEL_EXAMPLE.replace(
    "payload:", "install-command: pip install -r requirements.txt\npayload:"
)
_PIP_CONF = MODEL_EXAMPLE.replace(
    "payload: [src/, requirements.txt]",
    "install-command: PIP_CONFIG_FILE=pip.conf pip install -r requirements.txt\n"
    "payload: [src/, requirements.txt, pip.conf]",
)
_SECURE_INDEX = "[global]\nindex-url = https://pypi.example.com/simple/\n"
EXAMPLE_PREDICT = "def predict(age):\n    return {'income': str(age)}\n"

INSTALL_COMMAND_SYNTAX = rule(
    "HY801", "install-command-syntax", L.BUILD, ERROR,
    "an `install-command` that `/bin/sh` cannot parse",
    """
The manager writes the install command into the image's Dockerfile as `RUN <command>`,
which `/bin/sh -c` runs in `/model/files` (`BuildScript.scala`). A command the shell cannot
parse (an unclosed quote, a trailing `&&`) fails the build after the upload. hydro parses it
with a shell grammar (bashlex) and points at where it stops.
""",
    bad=EXAMPLE_INSTALLING.replace("requirements.txt\npayload", "requirements.txt &&\npayload"),
    good=EXAMPLE_INSTALLING,
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
)
INSTALL_FILE_MISSING = rule(
    "HY802", "install-file-missing", L.BUILD, ERROR,
    "a file the install command names that is not in the container",
    """
`hs apply` packs each payload entry under its name as written (hydrosdk `modelversion.py`),
the manager unpacks them under `/model/files` (`TarGzUtils.decompress`) and runs the install
command there (`WORKDIR /model/files`, `BuildScript.scala`). So every file the command names
(`pip install -r requirements.txt`, `-c`, `--cert`, `PIP_CONFIG_FILE=`, `--config-settings`
paths, `python setup.py`, `./script.sh`, a local wheel or `-e ./path`) must be shipped by a
payload entry, read after any `cd`. A file beside the manifest that no entry lists is not in
the image: the build fails.
""",
    bad=EXAMPLE_INSTALLING.replace("payload: [src/, requirements.txt]", "payload: [src/]"),
    good=EXAMPLE_INSTALLING,
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
)
PIP_INSECURE_INDEX = rule(
    "HY803", "pip-insecure-index", L.BUILD, ERROR,
    "an `http://` package index that pip ignores",
    """
pip refuses an index over plain `http://` unless its host is listed in `trusted-host`
(pip's `PipSession.is_secure_origin`): it warns "is not a trusted or secure host and is
being ignored" and then cannot find the
packages that should have come from it. Use `https://`, or add the host to `trusted-host`
in the same pip.conf. The docs' own pip.conf example (`index-url =
http://pypi.python.org/simple/` alone) has this problem.
""",
    bad=_PIP_CONF,
    good=_PIP_CONF,
    bad_files={**EXAMPLE_PINNED, "pip.conf": "[global]\nindex-url = http://pypi.example.com/simple/\n"},
    good_files={
        **EXAMPLE_PINNED,
        "pip.conf": "[global]\nindex-url = http://pypi.example.com/simple/\n"
        "trusted-host = pypi.example.com\n",
    },
)
PIP_LOOPBACK_INDEX = rule(
    "HY817", "pip-loopback-index", L.BUILD, WARNING,
    "a package index on the loopback address, where the image build finds none",
    """
pip trusts `localhost`, `127.0.0.0/8` and `::1` even over plain http (`SECURE_ORIGINS`),
but the model's image is built by the manager's Docker daemon (`BuildScript.scala`), and a
build step runs in a container of its own: its loopback address is that container, where
nothing serves packages. An index that works on your machine may then fail the build. Name
the index by an address the Docker daemon's network reaches.
""",
    bad=_PIP_CONF,
    good=_PIP_CONF,
    bad_files={**EXAMPLE_PINNED, "pip.conf": "[global]\nindex-url = http://127.0.0.1:8080/simple/\n"},
    good_files={**EXAMPLE_PINNED, "pip.conf": _SECURE_INDEX},
)
PIP_CONFIG_KEY = rule(
    "HY804", "pip-config-key", L.BUILD, WARNING,
    "a pip.conf section or key that pip does not know",
    """
pip reads the section `global` and those named after its commands (`install`, `download`,
`wheel`, ...), and in them the long names of its options (`index-url`, `trusted-host`,
`timeout`, ...). It passes over anything else without a word, so a misspelt key may mean
that a setting is not applied.
""",
    bad=_PIP_CONF,
    good=_PIP_CONF,
    bad_files={**EXAMPLE_PINNED, "pip.conf": "[global]\nindex-ur1 = https://pypi.example.com/simple/\n"},
    good_files={**EXAMPLE_PINNED, "pip.conf": _SECURE_INDEX},
)
PIP_CONFIG_FILE = rule(
    "HY805", "pip-config-file", L.BUILD, ERROR,
    "a pip.conf that pip cannot read, or whose certificate is not in the container",
    """
pip reads the file `PIP_CONFIG_FILE` names with Python's configparser (pip's
`configuration.py`), and a file it cannot parse stops it: text before the first section, a
line that is not `key = value`, a key set twice. A `cert` or `client-cert` must be a file in the
container: `cert = /model/files/cert.pem` needs the payload entry `cert.pem` (relative paths
are read from `/model/files`, where the build runs).
""",
    bad=_PIP_CONF,
    good=_PIP_CONF,
    bad_files={**EXAMPLE_PINNED, "pip.conf": "index-url = https://pypi.example.com/simple/\n"},
    good_files={**EXAMPLE_PINNED, "pip.conf": _SECURE_INDEX},
)
REQUIREMENTS_LINE = rule(
    "HY806", "requirements-line", L.BUILD, ERROR,
    "a requirements line pip cannot read",
    """
pip reads requirements files line by line with the grammar of PEP 508 and its own options;
a line it cannot read stops `pip install -r` and the image build. hydro reads them with the
same grammar (pip-requirements-parser) and points at the line.
""",
    bad=EXAMPLE_INSTALLING,
    good=EXAMPLE_INSTALLING,
    bad_files={"requirements.txt": "scikit-learn >= 1.0 ===\n"},
    good_files=EXAMPLE_PINNED,
)
REQUIREMENTS_FILE = rule(
    "HY807", "requirements-file", L.BUILD, ERROR,
    "a file a requirements file names that is not in the container",
    """
`-r other.txt`, `-c constraints.txt`, `-e ./lib` and local wheels in a requirements file are
read by pip in the container (`-r` and `-c` relative to the requirements file's folder,
other paths to `/model/files`): each must be shipped by a payload entry.
""",
    bad=EXAMPLE_INSTALLING,
    good=EXAMPLE_INSTALLING,
    bad_files={"requirements.txt": "-r extra.txt\n", "extra.txt": "numpy==1.21.6\n"},
    good_files=EXAMPLE_PINNED,
)
REQUIREMENT_UNPINNED = rule(
    "HY808", "requirement-unpinned", L.LINT, NOTE,
    "a requirement without an exact version",
    """
Every build of a model version installs what the index offers that day: a requirement
without `==` can change under a model between two uploads. Pinning (`numpy==1.21.6`, or a
constraints file) makes the image reproducible.
""",
    bad=EXAMPLE_INSTALLING,
    good=EXAMPLE_INSTALLING,
    bad_files={"requirements.txt": "numpy\n"},
    good_files=EXAMPLE_PINNED,
)
FUNC_MAIN_MISSING = rule(
    "HY809", "func-main-missing", L.RUNTIME, ERROR,
    "a Python model without `func_main.py` where the runtime imports it from",
    """
The Python runtime puts `/model`, `/model/files/src` and `/model/files/src/lib` on
`sys.path` and imports `func_main` (hsp@3.0.3:src/grpc_service.py:30-40); the 2.x runtimes
only `/model/files/src` (and `/model/lib`, where no payload lands: hsp@2.4.3:
src/PythonRuntime.py:18-23). The payload must ship it there, usually as
`src/func_main.py` with the entry `src/`; `hydro runtimes TAG` shows each tag's folders.
""",
    bad=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]", "payload: [requirements.txt]"),
    good=MODEL_EXAMPLE,
)
FUNC_MAIN_SYNTAX = rule(
    "HY810", "func-main-syntax", L.RUNTIME, ERROR,
    "a `func_main.py` that Python cannot parse or compile",
    """
Importing a module with a syntax error fails, and the runtime with it: the model version
builds and every servable of it fails to start. The finding points into `func_main.py`.
hydro reads the module in the grammar of the Python the runtime's name gives
(`serving-runtime-python-3.7` is `FROM python:3.7-slim`: hsp@3.0.3:Makefile:9,
Dockerfile:2-3), so syntax newer than it (`:=` before 3.8, `match` before 3.10) is an error
there. Newer syntax is caught by Python's own `ast` `feature_version` (best effort, and
varying with the Python hydro runs on) and by what hydro checks itself: decorators of any
expression (PEP 614) and `as` inside parentheses around a `with` statement's managers
(3.9; `with (a, b):` is an older Python's tuple, which it reads), a starred item in an
unparenthesized tuple after `for … in` and an unparenthesized `:=` in a set (3.9) or a
subscript (3.10), a starred item in a subscript or a `*args` annotation (3.11), a starred
item in an unparenthesized `return` tuple and an f-string's `{x=}` (3.8), an f-string's own
quotes, a backslash or a comment inside its expressions (3.12). A runtime older than 3.7
is read as 3.7, with `async` and `await` read as names outside an `async def`, as 3.6 and
older read them, and what 3.6 added checked on 3.5 (f-strings, `_` in numbers, annotated
variables, asynchronous generators and comprehensions).
What parses but does not compile is a SyntaxError at import as well, on every Python from
3.6 on: `return` or `yield` outside a function, `break` outside a loop, a
`from __future__` import after other statements, `nonlocal` with nothing to bind, a
duplicate argument, an expression nested thousands deep; `yield` in a comprehension from
3.8, `continue` in a `finally` clause and an annotated module-level name a `global`
statement declared before it before 3.8, an asynchronous comprehension inside a
comprehension that is not asynchronous before 3.11. hydro compiles the module (runs none of
it) to find them; a module of more than 3,000 functions, lambdas, classes and
comprehensions is not compiled (CPython before 3.12 compiles alike ones in time quadratic in
their number).
""",
    bad=MODEL_EXAMPLE,
    good=MODEL_EXAMPLE,
    bad_files={"src/func_main.py": "def predict(age)\n    return {'income': str(age)}\n"},
    good_files={"src/func_main.py": EXAMPLE_PREDICT},
)
SIGNATURE_FUNCTION = rule(
    "HY811", "signature-function", L.RUNTIME, ERROR,
    "no function in `func_main.py` named as the contract's signature",
    """
The runtime takes `getattr(func_main, signature_name)`, the contract's `name` (`predict`
when it has none): a module without it fails to start. A function defined, assigned or
imported at the top of the module under that name is found.
""",
    bad=MODEL_EXAMPLE,
    good=MODEL_EXAMPLE,
    bad_files={"src/func_main.py": EXAMPLE_PREDICT.replace("predict", "infer")},
    good_files={"src/func_main.py": EXAMPLE_PREDICT},
)
SIGNATURE_PARAMETERS = rule(
    "HY812", "signature-parameters", L.RUNTIME, ERROR,
    "a function that cannot take the contract's inputs",
    """
The runtime calls the function with one keyword argument per contract input,
`function(**inputs)` (hydro-serving-python `src/grpc_service.py`). Each input must be one of its parameters, unless it takes `**kwargs`
(the only way to receive an input whose name is not a Python identifier, such as
`marital-status`), and each parameter without a default must be an input; otherwise every
request fails with a TypeError.
""",
    bad=MODEL_EXAMPLE,
    good=MODEL_EXAMPLE,
    bad_files={"src/func_main.py": EXAMPLE_PREDICT.replace("age", "x1")},
    good_files={"src/func_main.py": EXAMPLE_PREDICT},
)
SIGNATURE_OUTPUTS = rule(
    "HY813", "signature-outputs", L.RUNTIME, ERROR,
    "a function whose returned mapping lacks an output of the contract",
    """
The Python runtime turns the mapping the function returns into the response key by key,
without checking it (hydro-serving-python `src/grpc_service.py`, `Predict`). The gateway
then validates every response's outputs against the contract and fails the request with
`MissingField` for each output it lacks (hydro-serving-gateway
`execution/servable/Predictor.scala:37-41`, `Contract.scala:94-101`); keys the contract
does not name pass. When every `return` of the function is a dictionary written out with
constant keys, hydro compares those keys with the contract's outputs and reports a missing
one at the `return`. Anything else (a variable, a call) is not guessed at.
""",
    bad=MODEL_EXAMPLE,
    good=MODEL_EXAMPLE,
    bad_files={"src/func_main.py": EXAMPLE_PREDICT.replace("'income'", "'label'")},
    good_files={"src/func_main.py": EXAMPLE_PREDICT},
)
MODEL_FILE_MISSING = rule(
    "HY814", "model-file-missing", L.RUNTIME, ERROR,
    "`func_main.py` names a file under `/model/files/` that the payload does not ship",
    """
Code that loads `/model/files/model.pkl` needs the payload entry `model.pkl`: the payload
is unpacked under `/model/files`. Every path under `/model/files/` written in the code as a
text constant is checked against what the payload ships (a path whose payload entry is
itself missing is reported once, at the entry).
""",
    bad=MODEL_EXAMPLE,
    good=MODEL_EXAMPLE.replace("[src/, requirements.txt]", "[src/, requirements.txt, model.pkl]"),
    bad_files={"src/func_main.py": "MODEL = '/model/files/model.pkl'\n" + EXAMPLE_PREDICT},
    good_files={"src/func_main.py": "MODEL = '/model/files/model.pkl'\n" + EXAMPLE_PREDICT, "model.pkl": "x"},
)
IMPORT_MISSING = rule(
    "HY815", "import-missing", L.RUNTIME, WARNING,
    "`func_main.py` imports a module that nothing in the container may provide",
    """
A top-level import that is neither in Python's standard library, nor a module shipped in
`src/` or `src/lib/`, nor named in the requirements the install command installs, nor one
of the Python runtime's own packages (numpy, pandas, grpc, hydrosdk) may fail when the
runtime imports `func_main`. The runtime image may still have it: check, or add it to the
requirements. The standard library is that of the image's Python (from its name): an
`import tomllib` (3.11) fails on `python-3.7` unless a requirement installs a module of
that name, while `import distutils` works there, although Python 3.12 dropped it. Import names that differ from pip's (`sklearn` from scikit-learn, `yaml` from
PyYAML, `cv2` from opencv-python, `PIL` from Pillow) are known. When the install command
also installs what hydro does not follow (a script, conda, a local package, a requirements
file that is missing or unreadable), imports are not judged.
""",
    bad=MODEL_EXAMPLE,
    good=EXAMPLE_INSTALLING,
    bad_files={"src/func_main.py": "import sklearn\n" + EXAMPLE_PREDICT},
    good_files={"src/func_main.py": "import sklearn\n" + EXAMPLE_PREDICT, "requirements.txt": "scikit-learn==1.0.2\n"},
)
CUSTOM_RUNTIME = rule(
    "HY816", "custom-runtime", L.LINT, NOTE,
    "a runtime that is not one of Hydrosphere's: its code is not checked",
    """
hydro checks `func_main.py` for Hydrosphere's Python runtimes. Another image is a custom
runtime: it must read `/model/contract.protobin` and answer `Predict` on `APP_PORT`; hydro
says nothing about its code.
""",
    bad=MODEL_EXAMPLE.replace("hydrosphere/serving-runtime-python-3.7:3.0.0", "example.com/scorer:1.0"),
    good=MODEL_EXAMPLE,
)
REQUIREMENTS_CYCLE = rule(
    "HY818", "requirements-cycle", L.BUILD, ERROR,
    "a requirements file that includes itself, directly or through others",
    """
pip follows `-r` and `-c` lines as it meets them and keeps no list of the files it has
read (`req_file.py`, `RequirementsFileParser._parse_and_recurse`): a file that includes
itself, or a ring of files that include each other, makes it recurse until Python stops it
with RecursionError, and the image build fails. hydro names the ring.
""",
    bad=EXAMPLE_INSTALLING,
    good=EXAMPLE_INSTALLING,
    bad_files={"requirements.txt": "numpy==1.21.6\n-r requirements.txt\n"},
    good_files=EXAMPLE_PINNED,
)
REQUIREMENTS_DEPTH = rule(
    "HY819", "requirements-depth", L.BUILD, WARNING,
    "requirements files that include each other deeper than hydro follows",
    """
Each `-r` inside a requirements file is a level of pip's recursion. hydro follows a chain
100 files deep; a longer one may exhaust pip's recursion in the build as it exhausts
hydro's patience, and what lies below is not checked. Flatten the chain.
""",
    bad="# (requirements files that include each other more than 100 deep)\n",
    good=EXAMPLE_INSTALLING,
    good_files=EXAMPLE_PINNED,
)
INSTALL_COMMAND_UNCHECKED = rule(
    "HY820", "install-command-unchecked", L.LINT, WARNING,
    "an install command or script too long, too deeply nested or too unusual for hydro to read",
    """
hydro reads the install command with a shell grammar whose time grows faster than the
text. So that every manifest is decided in bounded time, a command longer than 16 KiB
(or a file whose install commands add up to more than 32 KiB), or one that nests more
deeply than the grammar follows (`$(`, `(`, `{`, `if`, functions, about a hundred levels),
is not checked: nothing it installs or names is followed. A command that long belongs in
a script shipped with the payload. The same holds for a command or a shipped script the
grammar (bashlex) fails on for reasons of its own rather than the shell's, such as stray
`]]` and `[[` around a trailing backslash: `/bin/sh` may run it, hydro cannot say what it
does. A command or script of only comments runs nothing and is not reported.
""",
    bad=EXAMPLE_INSTALLING.replace(
        "pip install -r requirements.txt", "echo " + "$(" * 200 + "true" + ")" * 200
    ),
    good=EXAMPLE_INSTALLING,
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
)
INSTALL_COMMAND_TOO_LONG = rule(
    "HY821", "install-command-too-long", L.BUILD, ERROR,
    "an install command longer than Linux lets one argument be (128 KiB)",
    """
The manager writes the install command into the Dockerfile as `RUN <command>`, which
Docker runs as `/bin/sh -c <command>` (`BuildScript.scala`): the command is one argument,
and Linux refuses to start a program with an argument longer than 128 KiB
(`MAX_ARG_STRLEN`, "Argument list too long"). The build fails before the shell starts.
""",
    bad="# (an install command of more than 128 KiB)\n",
    good=EXAMPLE_INSTALLING,
    good_files=EXAMPLE_PINNED,
)
