"""Rules of the runtime image: what the build and the start meet in the image `runtime`
names (its user, sudo, apt, tools, Python, packages, start folder), and what pip's own
resolver says of the requirements for it (`--remote`).

Each rule is declared here, beside the code of this folder that raises it (image,
packages, start, resolver). Their examples are a manifest and the files beside it.
"""

from __future__ import annotations

from ....rules import ERROR, NOTE, WARNING, L, rule
from .rules import EXAMPLE_INSTALLING, EXAMPLE_PINNED, EXAMPLE_PREDICT

_V303 = "hydrosphere/serving-runtime-python-3.7:3.0.3"
_ON_303 = EXAMPLE_INSTALLING.replace("hydrosphere/serving-runtime-python-3.7:3.0.0", _V303)


def _installing(command: str, runtime: str = _V303) -> str:
    """The example Model on `runtime` with `command` before its `pip install`."""
    return EXAMPLE_INSTALLING.replace(
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad=EXAMPLE_INSTALLING.replace("python-3.7:3.0.0", "python-3.7:3.1.0"),
    good=EXAMPLE_INSTALLING,
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files={**EXAMPLE_PINNED, "setup.sh": "set -e\npip install -r requirements.txt\n"},
    good_files={**EXAMPLE_PINNED, "setup.sh": "set -e\npip install -r requirements.txt\n"},
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad=EXAMPLE_INSTALLING.replace("python-3.7:3.0.0", "python-3.7:2.3.2").replace("pip install -r requirements.txt", "pip install -r requirements.txt -t src/lib"),
    good=EXAMPLE_INSTALLING.replace("python-3.7:3.0.0", "python-3.7:2.3.2"),
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files={**EXAMPLE_PINNED, "src/config.json": "{}\n", "src/func_main.py": "CONFIG = open('src/config.json').read()\n" + EXAMPLE_PREDICT},
    good_files={**EXAMPLE_PINNED, "src/config.json": "{}\n", "src/func_main.py": "import os\nCONFIG = open(os.path.join(os.path.dirname(__file__), 'config.json')).read()\n" + EXAMPLE_PREDICT},
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
    bad_files={**EXAMPLE_PINNED, "src/func_main.py": "import regex\n" + EXAMPLE_PREDICT, "src/regex.py": "PATTERN = 1\n"},
    good_files={**EXAMPLE_PINNED, "src/func_main.py": "import patterns\n" + EXAMPLE_PREDICT, "src/patterns.py": "PATTERN = 1\n"},
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
    bad_files={**EXAMPLE_PINNED, "setup.sh": "pip install --upgrade pip\npip install -r requirements.txt\n"},
    good_files={**EXAMPLE_PINNED, "setup.sh": "set -e\npip install --upgrade pip\npip install -r requirements.txt\n"},
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    bad_files={"requirements.txt": "lightgbm==3.3.5\n", "src/func_main.py": "import lightgbm\n" + EXAMPLE_PREDICT},
    good_files={"requirements.txt": "xgboost==1.6.2\n", "src/func_main.py": "import xgboost\n" + EXAMPLE_PREDICT},
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
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
    good_files=EXAMPLE_PINNED,
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
    good_files=EXAMPLE_PINNED,
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
    good_files=EXAMPLE_PINNED,
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
    good_files=EXAMPLE_PINNED,
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
    good_files=EXAMPLE_PINNED,
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
    bad_files={**EXAMPLE_PINNED, "src/func_main.py": "import joblib\n" + EXAMPLE_PREDICT},
    good_files=EXAMPLE_PINNED,
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
    bad_files=EXAMPLE_PINNED,
    good_files=EXAMPLE_PINNED,
)
ANNOTATION_NEEDS_NEWER_PYTHON = rule(
    "HY849", "annotation-needs-newer-python", L.RUNTIME, ERROR,
    "an annotation evaluated at import that the runtime's Python cannot evaluate",
    """
Python evaluates a function's annotations when its `def` runs, and a variable's at module
or class level when the statement runs (the language reference): for func_main's own
functions and classes, when the runtime imports it. `list[float]` and
`collections.abc.Sequence[int]` (or `re.Pattern[str]`, `collections.deque[int]`) need
Python 3.9 (PEP 585), `int | None` Python 3.10 (PEP 604); on the runtime's Python (3.7 or
3.8, from the image's name: `FROM python:<V>-slim`, hsp@3.0.3:Makefile:9, Dockerfile:2-3)
they raise TypeError, and the import fails with it. `from __future__ import annotations`
as the first statement stops the evaluation; on a Python 3.6 runtime (2.x tags) that
import is itself a syntax error. hydro reads what runs at import (not function bodies, not
`if TYPE_CHECKING:` or version tests) and judges `|` where every side is a built-in type,
a class of the module's own without bases or metaclass, `None` or an object of `typing`
(`Optional[int] | None`): before 3.10 none of them defines `|`, while another class's
metaclass may.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={
        **EXAMPLE_PINNED,
        "src/func_main.py": "def predict(age: int | None) -> dict[str, str]:\n"
        "    return {'income': str(age)}\n",
    },
    good_files={
        **EXAMPLE_PINNED,
        "src/func_main.py": "from __future__ import annotations\n\n\n"
        "def predict(age: int | None) -> dict[str, str]:\n    return {'income': str(age)}\n",
    },
)
RELATIVE_IMPORT = rule(
    "HY850", "relative-import", L.RUNTIME, ERROR,
    "a relative import in `func_main.py`, which the runtime imports outside any package",
    """
Every Python runtime imports the module as `importlib.import_module("func_main")`
(hsp@3.0.3:src/grpc_service.py:40, hsp@2.4.3:src/PythonRuntimeService.py:30): a top-level
module, in no package. A relative import in it (`from . import helpers`, `from .helpers
import scale`) raises `ImportError: attempted relative import with no known parent
package`, at import when it is at the module's top (the runtime then fails to start), or
when the function runs. The payload's `src/` is on `sys.path`: import the module by its
own name. An import inside a `try` that catches ImportError is left to the author.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={
        **EXAMPLE_PINNED,
        "src/func_main.py": "from .helpers import scale\n\n\ndef predict(age):\n"
        "    return {'income': str(scale(age))}\n",
        "src/helpers.py": "def scale(age):\n    return age / 100\n",
    },
    good_files={
        **EXAMPLE_PINNED,
        "src/func_main.py": "from helpers import scale\n\n\ndef predict(age):\n"
        "    return {'income': str(scale(age))}\n",
        "src/helpers.py": "def scale(age):\n    return age / 100\n",
    },
)
NAME_NEEDS_NEWER_PYTHON = rule(
    "HY851", "name-needs-newer-python", L.RUNTIME, ERROR,
    "a standard-library name the code takes at import that the runtime's Python does not have",
    """
The runtime's Python is the one the image's name gives (`FROM python:<V>-slim`,
hsp@3.0.3:Makefile:9, Dockerfile:2-3). A name its standard library gained later
(`typing.Literal` and `functools.cached_property` in 3.8, `functools.cache` in 3.9,
`itertools.pairwise` in 3.10, `importlib.metadata` in 3.8) is not there: `from typing import
Literal` raises ImportError, `@functools.cache` AttributeError, and the import of
func_main fails with it. A package from PyPI cannot add the name to the standard library's
module (`typing_extensions` is a module of its own). hydro reads the imports and the
expressions at the top of the module and of its classes (decorators, defaults, values,
annotations unless postponed), not function bodies nor blocks under `if` or `try`; the
names are those the library's reference marks "New in version 3.x", checked in CPython
3.6 to 3.13.
""",
    bad=_ON_303,
    good=_ON_303,
    bad_files={
        **EXAMPLE_PINNED,
        "src/func_main.py": "from typing import Literal\n\n\n"
        "def predict(age) -> dict:\n    return {'income': str(age)}\n",
    },
    good_files={
        **EXAMPLE_PINNED,
        "src/func_main.py": "from typing import Dict\n\n\n"
        "def predict(age) -> Dict:\n    return {'income': str(age)}\n",
    },
)
