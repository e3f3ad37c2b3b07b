"""Rules of the model's container: what its image build installs (layer `build`) and what
the Python runtime imports and calls (layer `runtime`), read from the files the payload
ships, never run.

Each rule is declared here, beside the code of this folder that raises it. Their examples
are a manifest and the files beside it.
"""

from __future__ import annotations

from ....rules import ERROR, MODEL_EXAMPLE, NOTE, WARNING, L, rule

_PINNED = {"requirements.txt": "numpy==1.21.6\n"}
_INSTALL = MODEL_EXAMPLE.replace(
    "payload:", "install-command: pip install -r requirements.txt\npayload:"
)
_PIP_CONF = MODEL_EXAMPLE.replace(
    "payload: [src/, requirements.txt]",
    "install-command: PIP_CONFIG_FILE=pip.conf pip install -r requirements.txt\n"
    "payload: [src/, requirements.txt, pip.conf]",
)
_SECURE_INDEX = "[global]\nindex-url = https://pypi.example.com/simple/\n"
_PREDICT = "def predict(age):\n    return {'income': str(age)}\n"

INSTALL_COMMAND_SYNTAX = rule(
    "HY801", "install-command-syntax", L.BUILD, ERROR,
    "an `install-command` that `/bin/sh` cannot parse",
    """
The manager writes the install command into the image's Dockerfile as `RUN <command>`,
which `/bin/sh -c` runs in `/model/files` (`BuildScript.scala`). A command the shell cannot
parse (an unclosed quote, a trailing `&&`) fails the build after the upload. hydro parses it
with a shell grammar (bashlex) and points at where it stops.
""",
    bad=_INSTALL.replace("requirements.txt\npayload", "requirements.txt &&\npayload"),
    good=_INSTALL,
    bad_files=_PINNED,
    good_files=_PINNED,
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
    bad=_INSTALL.replace("payload: [src/, requirements.txt]", "payload: [src/]"),
    good=_INSTALL,
    bad_files=_PINNED,
    good_files=_PINNED,
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
    bad_files={**_PINNED, "pip.conf": "[global]\nindex-url = http://pypi.example.com/simple/\n"},
    good_files={
        **_PINNED,
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
    bad_files={**_PINNED, "pip.conf": "[global]\nindex-url = http://127.0.0.1:8080/simple/\n"},
    good_files={**_PINNED, "pip.conf": _SECURE_INDEX},
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
    bad_files={**_PINNED, "pip.conf": "[global]\nindex-ur1 = https://pypi.example.com/simple/\n"},
    good_files={**_PINNED, "pip.conf": _SECURE_INDEX},
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
    bad_files={**_PINNED, "pip.conf": "index-url = https://pypi.example.com/simple/\n"},
    good_files={**_PINNED, "pip.conf": _SECURE_INDEX},
)
REQUIREMENTS_LINE = rule(
    "HY806", "requirements-line", L.BUILD, ERROR,
    "a requirements line pip cannot read",
    """
pip reads requirements files line by line with the grammar of PEP 508 and its own options;
a line it cannot read stops `pip install -r` and the image build. hydro reads them with the
same grammar (pip-requirements-parser) and points at the line.
""",
    bad=_INSTALL,
    good=_INSTALL,
    bad_files={"requirements.txt": "scikit-learn >= 1.0 ===\n"},
    good_files=_PINNED,
)
REQUIREMENTS_FILE = rule(
    "HY807", "requirements-file", L.BUILD, ERROR,
    "a file a requirements file names that is not in the container",
    """
`-r other.txt`, `-c constraints.txt`, `-e ./lib` and local wheels in a requirements file are
read by pip in the container (`-r` and `-c` relative to the requirements file's folder,
other paths to `/model/files`): each must be shipped by a payload entry.
""",
    bad=_INSTALL,
    good=_INSTALL,
    bad_files={"requirements.txt": "-r extra.txt\n", "extra.txt": "numpy==1.21.6\n"},
    good_files=_PINNED,
)
REQUIREMENT_UNPINNED = rule(
    "HY808", "requirement-unpinned", L.LINT, NOTE,
    "a requirement without an exact version",
    """
Every build of a model version installs what the index offers that day: a requirement
without `==` can change under a model between two uploads. Pinning (`numpy==1.21.6`, or a
constraints file) makes the image reproducible.
""",
    bad=_INSTALL,
    good=_INSTALL,
    bad_files={"requirements.txt": "numpy\n"},
    good_files=_PINNED,
)
FUNC_MAIN_MISSING = rule(
    "HY809", "func-main-missing", L.RUNTIME, ERROR,
    "a Python model without `func_main.py` where the runtime imports it from",
    """
The Python runtime puts `/model`, `/model/files/src` and `/model/files/src/lib` on
`sys.path` and imports `func_main` (hydro-serving-python `src/grpc_service.py`). The
payload must ship it there, usually as `src/func_main.py` with the entry `src/`.
""",
    bad=MODEL_EXAMPLE.replace("payload: [src/, requirements.txt]", "payload: [requirements.txt]"),
    good=MODEL_EXAMPLE,
)
FUNC_MAIN_SYNTAX = rule(
    "HY810", "func-main-syntax", L.RUNTIME, ERROR,
    "a `func_main.py` that Python cannot parse",
    """
Importing a module with a syntax error fails, and the runtime with it: the model version
builds and every servable of it fails to start. The finding points into `func_main.py`.
""",
    bad=MODEL_EXAMPLE,
    good=MODEL_EXAMPLE,
    bad_files={"src/func_main.py": "def predict(age)\n    return {'income': str(age)}\n"},
    good_files={"src/func_main.py": _PREDICT},
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
    bad_files={"src/func_main.py": _PREDICT.replace("predict", "infer")},
    good_files={"src/func_main.py": _PREDICT},
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
    bad_files={"src/func_main.py": _PREDICT.replace("age", "x1")},
    good_files={"src/func_main.py": _PREDICT},
)
SIGNATURE_OUTPUTS = rule(
    "HY813", "signature-outputs", L.RUNTIME, ERROR,
    "a function whose returned keys are not the contract's outputs",
    """
The runtime turns the mapping the function returns into the response, key by key
(hydro-serving-python `src/grpc_service.py`). When
every `return` of the function is a dictionary written out with constant keys, hydro
compares those keys with the contract's outputs: a missing output or an extra key is
reported at the `return`. Anything else (a variable, a call) is not guessed at.
""",
    bad=MODEL_EXAMPLE,
    good=MODEL_EXAMPLE,
    bad_files={"src/func_main.py": _PREDICT.replace("'income'", "'label'")},
    good_files={"src/func_main.py": _PREDICT},
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
    bad_files={"src/func_main.py": "MODEL = '/model/files/model.pkl'\n" + _PREDICT},
    good_files={"src/func_main.py": "MODEL = '/model/files/model.pkl'\n" + _PREDICT, "model.pkl": "x"},
)
IMPORT_MISSING = rule(
    "HY815", "import-missing", L.RUNTIME, WARNING,
    "`func_main.py` imports a module that nothing in the container may provide",
    """
A top-level import that is neither in Python's standard library, nor a module shipped in
`src/` or `src/lib/`, nor named in the requirements the install command installs, nor one
of the Python runtime's own packages (numpy, pandas, grpc, hydrosdk) may fail when the
runtime imports `func_main`. The runtime image may still have it: check, or add it to the
requirements. Import names that differ from pip's (`sklearn` from scikit-learn, `yaml` from
PyYAML, `cv2` from opencv-python, `PIL` from Pillow) are known. When the install command
also installs what hydro does not follow (a script, conda, a local package, a requirements
file that is missing or unreadable), imports are not judged.
""",
    bad=MODEL_EXAMPLE,
    good=_INSTALL,
    bad_files={"src/func_main.py": "import sklearn\n" + _PREDICT},
    good_files={"src/func_main.py": "import sklearn\n" + _PREDICT, "requirements.txt": "scikit-learn==1.0.2\n"},
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
    bad=_INSTALL,
    good=_INSTALL,
    bad_files={"requirements.txt": "numpy==1.21.6\n-r requirements.txt\n"},
    good_files=_PINNED,
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
    good=_INSTALL,
    good_files=_PINNED,
)
INSTALL_COMMAND_UNCHECKED = rule(
    "HY820", "install-command-unchecked", L.LINT, WARNING,
    "an install command too long or nested too deep for hydro to read",
    """
hydro reads the install command with a shell grammar whose time grows faster than the
text. So that every manifest is decided in bounded time, a command longer than 16 KiB
(or a file whose install commands add up to more than 32 KiB), or one that nests more
deeply than the grammar follows (`$(`, `(`, `{`, `if`, functions, about a hundred levels),
is not checked: nothing it installs or names is followed. A command that long belongs in
a script shipped with the payload.
""",
    bad=_INSTALL.replace(
        "pip install -r requirements.txt", "echo " + "$(" * 200 + "true" + ")" * 200
    ),
    good=_INSTALL,
    bad_files=_PINNED,
    good_files=_PINNED,
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
    good=_INSTALL,
    good_files=_PINNED,
)

# ---------------------------------------------------------------- the runtime image
_V303 = "hydrosphere/serving-runtime-python-3.7:3.0.3"
_ON_303 = _INSTALL.replace("hydrosphere/serving-runtime-python-3.7:3.0.0", _V303)


def _installing(command: str, runtime: str = _V303) -> str:
    """The example Model on `runtime` with `command` before its `pip install`."""
    return _INSTALL.replace(
        "install-command: pip install", f"install-command: {command} && pip install"
    ).replace("hydrosphere/serving-runtime-python-3.7:3.0.0", runtime)


RUNTIME_IMAGE_NOT_BUILT = rule(
    "HY822", "runtime-image-not-built", L.BUILD, WARNING,
    "a runtime image the runtime's source never built for that tag",
    """
hydro-serving-python's Makefile builds `serving-runtime-python-3.7` and
`serving-runtime-python-3.8.11` for 3.0.1 to 3.0.3 (`Makefile:5,9`), and no `-3.6` since
3.0.0-alpha.1; the docs still name `-3.6` and `-3.8`. Such an image may not exist, and the
build's `FROM` then fails to pull it. Docker Hub itself was not checked: someone may have
pushed it by hand.
""",
    bad=_ON_303.replace("python-3.7:3.0.3", "python-3.6:3.0.3"),
    good=_ON_303,
    bad_files=_PINNED,
    good_files=_PINNED,
)
RUNTIME_IMAGE_UNKNOWN = rule(
    "HY823", "runtime-image-unknown", L.LINT, NOTE,
    "a Python runtime tag hydro has no image facts for: its install command is not checked there",
    """
hydro knows what each released `serving-runtime-python` image holds (user, sudo, package
lists, tools, pip, the runtime's own packages: `hydro runtimes`). For another tag (a newer
release, `latest`, a build of your own) the install command is checked as a shell command
only, not against the image.
""",
    bad=_INSTALL.replace("python-3.7:3.0.0", "python-3.7:3.1.0"),
    good=_INSTALL,
    bad_files=_PINNED,
    good_files=_PINNED,
)
SUDO_MISSING = rule(
    "HY824", "sudo-missing", L.BUILD, ERROR,
    "`sudo` in the install command of an image that has none",
    """
Only the images of 3.0.0-alpha.2 and 3.0.0 install sudo. On 3.0.1 to 3.0.3 it is installed
in the Dockerfile's build stage only (hsp@3.0.3:`Dockerfile:13-18`), and 2.x and the early
3.0.0 pre-releases never had it: the build stops at `/bin/sh: 1: sudo: not found`. The docs'
own example, `sudo apt install jq && pip install -r requirements.txt`, fails so. On 3.0.1+
the install command runs as `app`, so no OS package can be installed at all.
""",
    bad=_installing("sudo apt install -y jq"),
    good=_ON_303,
    bad_files=_PINNED,
    good_files=_PINNED,
)
SUDO_NOT_ALLOWED = rule(
    "HY825", "sudo-not-allowed", L.BUILD, ERROR,
    "`sudo` with a command the image's sudoers does not allow",
    """
The 3.0.0 and 3.0.0-alpha.2 images overwrite `/etc/sudoers` with the single line `app
ALL=NOPASSWD: /usr/bin/apt` (hsp@3.0.0:`Dockerfile:41`): `sudo apt` works, `sudo apt-get`,
`sudo dpkg` or `sudo pip` are refused and the build fails.
""",
    bad=_installing("sudo apt-get install -y jq", "hydrosphere/serving-runtime-python-3.7:3.0.0"),
    good=_installing("sudo apt update && sudo apt install -y jq", "hydrosphere/serving-runtime-python-3.7:3.0.0"),
    bad_files=_PINNED,
    good_files=_PINNED,
)
APT_WITHOUT_ROOT = rule(
    "HY826", "apt-without-root", L.BUILD, WARNING,
    "`apt`, `apt-get` or `dpkg` run as the image's unprivileged user",
    """
From 3.0.0-dev1 on, the runtime images run the install command as `app`
(hsp@3.0.3:`Dockerfile:37,56`). Installing an OS package needs root: dpkg's lock cannot be
taken (`E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission
denied)`). On 3.0.0 `sudo apt` is allowed; on 3.0.1+ nothing is.
""",
    bad=_installing("apt-get install -y jq"),
    good=_ON_303,
    bad_files=_PINNED,
    good_files=_PINNED,
)
APT_WITHOUT_YES = rule(
    "HY827", "apt-without-yes", L.BUILD, WARNING,
    "`apt install` without `-y`, which the build answers with no",
    """
When a package needs others, apt asks `Do you want to continue? [Y/n]`. A Docker build's
`RUN` has no terminal, so apt reads the end of its input and takes it for no: `Abort.`, exit
1 (apt's `YnPrompt`). `-y` answers yes.
""",
    bad=_installing("sudo apt update && sudo apt install jq", "hydrosphere/serving-runtime-python-3.7:3.0.0"),
    good=_installing("sudo apt update && sudo apt install -y jq", "hydrosphere/serving-runtime-python-3.7:3.0.0"),
    bad_files=_PINNED,
    good_files=_PINNED,
)
APT_WITHOUT_UPDATE = rule(
    "HY828", "apt-without-update", L.BUILD, WARNING,
    "`apt install` with no `apt update` before it, where the image's lists are stale",
    """
The runtime images' package lists date from their build (2.x and 3.0.0 ran `apt-get update`
and never again); 3.0.1+ have none at all (the base removed them). A package the lists do
not know, or know at a version the mirror no longer serves, fails with `Unable to locate
package` or a 404. Run the update in the same install command.
""",
    bad=_installing("sudo apt install -y jq", "hydrosphere/serving-runtime-python-3.7:3.0.0"),
    good=_installing("sudo apt update && sudo apt install -y jq", "hydrosphere/serving-runtime-python-3.7:3.0.0"),
    bad_files=_PINNED,
    good_files=_PINNED,
)
TOOL_MISSING = rule(
    "HY829", "tool-missing", L.BUILD, ERROR,
    "a tool the runtime image does not have (curl, wget)",
    """
The runtime images install `curl` and `wget` only in some releases: 3.0.1 to 3.0.3 install
them in the Dockerfile's build stage only, so the image the model is built on has neither
(hsp@3.0.3:`Dockerfile:15-18`); 3.0.0-dev has wget, 3.0.0-alpha.1 to 3.0.0 both. A command
the image lacks stops the build with `not found` (127). Python can download instead.
""",
    bad=_installing("curl -fsSLO https://example.com/model.bin"),
    good=_ON_303,
    bad_files=_PINNED,
    good_files=_PINNED,
)
PIP_USER_IN_VENV = rule(
    "HY830", "pip-user-in-venv", L.BUILD, ERROR,
    "`pip install --user` where pip runs in the runtime's virtual environment",
    """
From 3.0.1 on, the runtime's packages live in the virtual environment /opt/pysetup/.venv,
whose pip comes first on PATH (hsp@3.0.3:`Dockerfile:11,25,46`). pip refuses `--user` in a
virtual environment without system site-packages: "Can not perform a '--user' install.
User site-packages are not visible in this virtualenv." (pip `install.py:637-647`). The
environment belongs to `app`: install without `--user`.
""",
    bad=_ON_303.replace("pip install -r", "pip install --user -r"),
    good=_ON_303,
    bad_files=_PINNED,
    good_files=_PINNED,
)
SCRIPT_NOT_EXECUTABLE = rule(
    "HY831", "script-not-executable", L.BUILD, ERROR,
    "a payload script run as a program (`./setup.sh`), without its execute bit",
    """
The manager unpacks the payload with Java's `FileOutputStream` and restores no mode bits
(mgr@3.0.3:`TarGzUtils.scala:65-77`), so no file of the payload is executable in the image:
`./setup.sh` fails with `Permission denied`, exit 126. `sh setup.sh` reads it instead, as
the official examples do.
""",
    bad=_ON_303.replace("pip install -r requirements.txt", "./setup.sh").replace("[src/, requirements.txt]", "[src/, requirements.txt, setup.sh]"),
    good=_ON_303.replace("pip install -r requirements.txt", "sh setup.sh").replace("[src/, requirements.txt]", "[src/, requirements.txt, setup.sh]"),
    bad_files={**_PINNED, "setup.sh": "set -e\npip install -r requirements.txt\n"},
    good_files={**_PINNED, "setup.sh": "set -e\npip install -r requirements.txt\n"},
)
REQUIREMENT_BREAKS_RUNTIME = rule(
    "HY832", "requirement-breaks-runtime", L.RUNTIME, ERROR,
    "a requirement that replaces a package the runtime itself needs with one it cannot use",
    """
The runtime imports its own packages before `func_main` (hydro_serving_grpc, hydrosdk,
numpy, pandas: hsp@3.0.3 `grpc_server.py`, `grpc_service.py`). pip installs a requirement
the installed version does not satisfy and only warns about the conflict (pip 21.3.1
`install.py:536-588`), so the build succeeds and the runtime stops at start: protobuf 4 or
newer refuses the generated code (`Descriptors cannot be created directly`); protobuf
older than 3.12 lacks `_internal_create_key` (3.0.x); hydrosdk or hydro-serving-grpc of
the other major version lacks the modules the runtime imports; numpy older than 1.15.4 is
refused by pandas. Leave these packages to the runtime, or keep within what it needs.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={"requirements.txt": "protobuf>=3.18\nnumpy==1.18.3\n"},
    good_files={"requirements.txt": "protobuf==3.20.3\nnumpy==1.18.3\n"},
)
REQUIREMENT_NEEDS_NEWER_PYTHON = rule(
    "HY833", "requirement-needs-newer-python", L.BUILD, ERROR,
    "a requirement with no release for the runtime image's Python",
    """
pip skips releases whose `Requires-Python` excludes the interpreter, so a requirement that
allows only newer releases finds none: `No matching distribution found`, and the build
fails. The images run Python 3.7.12 (`-3.7`) and 3.8.11 (`-3.8.11`) on 3.0.1+; numpy 1.22
dropped Python 3.7 and 1.25 dropped 3.8 (NumPy's release notes). `hydro runtimes` shows
each image's Python.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={"requirements.txt": "numpy>=1.22\n"},
    good_files={"requirements.txt": "numpy==1.21.6\n"},
)
WRITE_INTO_MODEL = rule(
    "HY834", "write-into-model", L.BUILD, ERROR,
    "an install command that writes under /model, which the build's user may not",
    """
`ADD model /model` gives every file and folder of the payload to root (Docker: "All new
files and directories are created with a UID and GID of 0"; BuildScript.scala has no
`--chown`), and from 3.0.0-dev1 on the install command runs as `app`. So writing in the
working folder /model/files fails with `Permission denied`: `pip install -t src/lib`, `pip
download` and `pip wheel` into it, `pip install -e .` and, with pip 21.3 (3.0.1+), `pip
install .` (both build in the package's folder), `python setup.py`, `unzip`, `tar x`, `>`
redirections, `mkdir`, `cp`, `wget`, `git clone`, `dvc pull`. Write to /tmp or `$HOME`, or
ship the result in the payload.
""",
    bad=_ON_303.replace("pip install -r requirements.txt", "pip install -r requirements.txt -t src/lib"),
    good=_ON_303,
    bad_files=_PINNED,
    good_files=_PINNED,
)
WRITE_DISCARDED = rule(
    "HY835", "write-discarded", L.BUILD, WARNING,
    "an install command that writes under /model where the image declares `VOLUME /model`",
    """
The 2.1 to 2.3.2 runtime images declare `VOLUME /model` (hsp@2.3.2 `Dockerfile:19`) and
build as root. `ADD` into a volume persists, but what a `RUN` step writes under it is
discarded from the image (moby/moby#33842; the Dockerfile reference, VOLUME): a download
into /model/files succeeds in the build and is gone at start.
""",
    bad=_INSTALL.replace("python-3.7:3.0.0", "python-3.7:2.3.2").replace("pip install -r requirements.txt", "pip install -r requirements.txt -t src/lib"),
    good=_INSTALL.replace("python-3.7:3.0.0", "python-3.7:2.3.2"),
    bad_files=_PINNED,
    good_files=_PINNED,
)
RELATIVE_PATH = rule(
    "HY836", "relative-path", L.RUNTIME, ERROR,
    "`func_main.py` opens a relative path, which the runtime resolves in its own folder",
    """
The runtime's start.sh changes to its own folder (`/home/app/src` on 3.0.1+, `/app/src`
before) and starts `python3 main.py` there, which never changes folder (hsp@3.0.3
`start.sh:3-4`, `main.py`). Python resolves a relative path against that folder, not
/model/files where the payload is: `open("model.pkl")` raises FileNotFoundError, at import
(the runtime exits) or at each request. Write `/model/files/model.pkl`, or build the path
from the module's own folder (`os.path.dirname(__file__)`), which hydro leaves alone.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={**_PINNED, "src/config.json": "{}\n", "src/func_main.py": "CONFIG = open('src/config.json').read()\n" + _PREDICT},
    good_files={**_PINNED, "src/config.json": "{}\n", "src/func_main.py": "import os\nCONFIG = open(os.path.join(os.path.dirname(__file__), 'config.json')).read()\n" + _PREDICT},
)
MODULE_SHADOWED = rule(
    "HY837", "module-shadowed", L.RUNTIME, WARNING,
    "a payload module named like one of the runtime's own, which is found first",
    """
The runtime appends /model, /model/files/src and /model/files/src/lib to `sys.path` after
its own folder and its packages (hsp@3.0.3 `grpc_service.py:30-38`). A module of the payload
named like the runtime's own (`main`, `grpc_server`, `grpc_service`, `src`) or like one of
its packages (`yaml`, `six`, `docker`, `regex`: `hydro runtimes 3.0.3`) is never the one
imported: the import may fail, or bring the other module.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={**_PINNED, "src/func_main.py": "import regex\n" + _PREDICT, "src/regex.py": "PATTERN = 1\n"},
    good_files={**_PINNED, "src/func_main.py": "import patterns\n" + _PREDICT, "src/patterns.py": "PATTERN = 1\n"},
)
SCRIPT_WITHOUT_ERREXIT = rule(
    "HY838", "script-without-errexit", L.BUILD, WARNING,
    "a script the install command runs that goes on after a command fails",
    """
`sh setup.sh` exits with the status of its last command: without `set -e`, a failing
`apt-get` or `pip install` in the middle goes unnoticed, the build succeeds, and what it
should have installed is missing at start (the official face_recognition model's setup.sh
would build so without dlib). hydro reads the script as it reads the install command, and
its findings point into it; start the script with `set -e`.
""",
    bad=_ON_303.replace("pip install -r requirements.txt", "sh setup.sh").replace("[src/, requirements.txt]", "[src/, requirements.txt, setup.sh]"),
    good=_ON_303.replace("pip install -r requirements.txt", "sh setup.sh").replace("[src/, requirements.txt]", "[src/, requirements.txt, setup.sh]"),
    bad_files={**_PINNED, "setup.sh": "pip install --upgrade pip\npip install -r requirements.txt\n"},
    good_files={**_PINNED, "setup.sh": "set -e\npip install --upgrade pip\npip install -r requirements.txt\n"},
)
TOOL_MAY_BE_MISSING = rule(
    "HY839", "tool-may-be-missing", L.BUILD, WARNING,
    "a tool the runtime image may not have (git, gcc, make, cmake, conda)",
    """
The runtime images start from Docker's `python:X-slim`, which builds Python with gcc, make
and wget and then removes them, and has no git or conda; no runtime Dockerfile installs
them back (the 2.x ones install only libgomp1). A build step that calls them may stop with
`not found` (127); a requirement without a wheel for the image's Python may try to call
gcc and fail alike. This is inferred from the Dockerfiles, not read from an image.
""",
    bad=_installing("git clone https://example.com/features.git /tmp/features"),
    good=_ON_303,
    bad_files=_PINNED,
    good_files=_PINNED,
)
SYSTEM_LIBRARY_MISSING = rule(
    "HY840", "system-library-missing", L.RUNTIME, WARNING,
    "an import whose wheel loads a system library the runtime image may lack",
    """
lightgbm's wheels load the system's OpenMP runtime, libgomp.so.1: the runtime images
installed libgomp1 up to 3.0.0-alpha.1 and no longer from 3.0.0-alpha.2
(hsp@3.0.0 `Dockerfile:16`). opencv-python loads libGL.so.1, which no slim image has;
opencv-python-headless does not. When `func_main.py` imports them, the runtime may stop
at start; on 3.0.1+ the install command cannot add OS packages.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={"requirements.txt": "lightgbm==3.3.5\n", "src/func_main.py": "import lightgbm\n" + _PREDICT},
    good_files={"requirements.txt": "xgboost==1.6.2\n", "src/func_main.py": "import xgboost\n" + _PREDICT},
)
APT_RELEASE_ARCHIVED = rule(
    "HY841", "apt-release-archived", L.BUILD, WARNING,
    "`apt` in a runtime image on Debian buster, whose repositories are archived",
    """
The 2.x runtime images, 3.0.0-dev and 3.0.0-alpha.1 and .2 start from Docker's
`python:X-slim` while it was Debian buster (until 2021-08-16). Buster's packages left
deb.debian.org for archive.debian.org in 2025: `apt-get update` may fail with 404 or "does
not have a Release file", and an install from the image's stale lists with 404s. Point
`/etc/apt/sources.list` at archive.debian.org first, in the same install command, or use a
runtime tag on bullseye. The release is inferred from the build dates, not read from the
images.
""",
    bad=_installing("apt-get update && apt-get install -y jq", "hydrosphere/serving-runtime-python-3.7:2.4.3"),
    good=_installing("sed -i s/deb.debian.org/archive.debian.org/ /etc/apt/sources.list && apt-get update && apt-get install -y jq", "hydrosphere/serving-runtime-python-3.7:2.4.3"),
    bad_files=_PINNED,
    good_files=_PINNED,
)
REQUIREMENT_NOT_FOUND = rule(
    "HY842", "requirement-not-found", L.BUILD, ERROR,
    "a requirement the index has no project for (`--remote`)",
    """
With `--remote`, pip's own resolver is asked what the install command would install, with
the image's Python and platform and the index the container would use. A project the index
does not have (a misspelt `scikit-lern`, a private package asked of PyPI) fails the build:
`No matching distribution found`. Check pip's name (not the import's) and the index.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={"requirements.txt": "scikit-lern==1.0.2\n"},
    good_files=_PINNED,
)
REQUIREMENT_VERSION_MISSING = rule(
    "HY843", "requirement-version-missing", L.BUILD, ERROR,
    "a requirement whose versions the index does not have (`--remote`)",
    """
With `--remote`, a requirement that allows no version the index has (a typo in a pin, a
release that was yanked or never made) is reported with the nearest versions the index
has: pip would stop the build with `No matching distribution found`.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={"requirements.txt": "numpy==1.21.66\n"},
    good_files=_PINNED,
)
REQUIREMENT_NO_WHEEL = rule(
    "HY844", "requirement-no-wheel", L.BUILD, ERROR,
    "a requirement with no wheel for the image, whose source release needs a compiler (`--remote`)",
    """
The runtime images have no compiler (their python:slim base removes gcc). A requirement
with no wheel for the image's Python on manylinux x86_64 makes pip build its source release;
when that release holds C, C++, Cython, Fortran or Rust sources, or its setup.py declares an
extension, the build fails. So does a requirement with neither a fitting wheel nor a source
release. hydro reads the sdist's file list and setup.py; it runs nothing.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={"requirements.txt": "numpy==1.14.0\n"},
    good_files=_PINNED,
)
REQUIREMENT_MAY_NEED_COMPILER = rule(
    "HY845", "requirement-may-need-compiler", L.BUILD, WARNING,
    "a requirement with no wheel for the image, built from source (`--remote`)",
    """
A requirement with only a source release for the image's Python and platform is built by
pip in the image. Where its sources show no compiled code this may work, but a build step
may still call a compiler or a tool the image lacks. A wheel avoids the question.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={"requirements.txt": "pure-sources-only==1.0\n"},
    good_files=_PINNED,
)
REQUIREMENTS_CONFLICT = rule(
    "HY846", "requirements-conflict", L.BUILD, ERROR,
    "requirements no set of versions satisfies (`--remote`)",
    """
pip's resolver finds no versions that fit every requirement (and their dependencies) on the
image's Python: `ResolutionImpossible`, and the build fails. hydro shows pip's own
explanation, shortened, at the requirement the user asked for.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={"requirements.txt": "scikit-learn==1.0.2\nnumpy==1.13.3\n"},
    good_files=_PINNED,
)
IMPORT_NOT_INSTALLED = rule(
    "HY847", "import-not-installed", L.RUNTIME, ERROR,
    "`func_main.py` imports a module that nothing pip resolves provides (`--remote`)",
    """
With `--remote`, what the install command installs is known: every distribution pip
resolves, direct or pulled in, and the top-level modules each wheel installs (read from the
wheels themselves, so `sklearn` comes from scikit-learn and `joblib` with scikit-learn 0.21).
An import of func_main that none of them, the runtime image or the payload's src/ provides
fails when the runtime imports it. Without `--remote` the same import is the warning HY815.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={**_PINNED, "src/func_main.py": "import joblib\n" + _PREDICT},
    good_files=_PINNED,
)
REQUIREMENTS_UNRESOLVED = rule(
    "HY848", "requirements-unresolved", L.LINT, WARNING,
    "the requirements could not be resolved: the index or pip did not answer (`--remote`)",
    """
With `--remote`, an index that cannot be reached, does not answer in time or refuses the
credentials, and a pip too old for `--dry-run --report`, leave what the image would install
unchecked: said so at the install command, as a warning (it does not fail the run on its
own). Each Model's resolution is bounded by `--resolve-timeout`.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files=_PINNED,
    good_files=_PINNED,
)
