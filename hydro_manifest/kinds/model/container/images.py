"""Hydrosphere's Python runtime images, per tag: what the model image's build and start
find there. The one place these facts live; the checks, `hydro runtimes` and `hydro
resolve` read them from here.

Each fact carries its evidence, as the research behind it grades it: S (a source line says
it), I (inferred from sources and the documented behaviour of Docker, apt, pip, Debian).
Sources are cited as `repo@tag:path:line`: hsp = hydro-serving-python, mgr =
hydro-serving-manager, dlp = docker-library/python, pip = pypa/pip. The model image is
`FROM <runtime>`, `ADD model /model` (root-owned), `WORKDIR /model/files`, `RUN
<install-command>` as the runtime's user (mgr@3.0.3:`BuildScript.scala:7-17`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import NamedTuple

HYDROSPHERE = "hydrosphere/"
PYTHON_IMAGE = "serving-runtime-python-"


class Evidence(str, Enum):
    SOURCE = "S"  # a source line says it
    INFERRED = "I"  # follows from sources and the tools' documented behaviour


S, INFERRED = Evidence.SOURCE, Evidence.INFERRED


class Fact(NamedTuple):
    """One fact of an image, with its evidence and where it comes from."""

    value: object
    evidence: Evidence
    source: str


@dataclass(frozen=True)
class Image:
    """The facts shared by the images of some runtime tags."""

    #: The runtime tags these facts hold for.
    tags: tuple[str, ...]
    #: Each image built for the tags (the part after `serving-runtime-python-`) and the
    #: Python it runs (its version).
    built: Fact
    python: dict[str, str]
    #: The user the install command runs as: "root" or "app".
    user: Fact
    #: Whether `sudo` is installed, and the one command sudoers lets `app` run (None: any).
    sudo: Fact
    sudo_allows: str | None
    #: Debian's package lists: "absent" (removed by the base) or "stale" (from the build).
    apt_lists: Fact
    #: The tools the install command may call that the image has (of curl, wget, git, gcc,
    #: make, conda).
    tools: Fact
    #: The runtime's packages: a virtual environment (its path), or the system site (None).
    venv: Fact
    pip: Fact
    #: `VOLUME /model` is declared: what `RUN` writes under /model is discarded.
    volume_model: Fact
    #: The folder the model's code starts in.
    start_folder: Fact
    #: The runtime's own packages and their locked versions (None: not locked).
    packages: Fact
    #: Top-level modules the runtime finds before the payload's (its own, its packages').
    shadows: Fact
    #: Whether the OpenMP runtime libgomp1 is installed (lightgbm's wheels load it).
    libgomp: Fact
    #: The Debian release under the image: "buster" (archived: its repositories left
    #: deb.debian.org in 2025) or "bullseye".
    debian: Fact
    #: What the runtime does when importing func_main raises: its consequence, as a clause.
    import_failure: Fact
    #: The folders the runtime appends to `sys.path` for the payload's modules, in order:
    #: where it finds func_main and what func_main imports.
    import_path: Fact


#: The tools `tools` facts speak of: what an install command may call beyond the shell.
TOOLS = ("curl", "wget", "git", "gcc", "make", "conda")

_BUSTER = Fact("buster", INFERRED, "dlp: python:X-slim was buster until 2021-08-16")
#: 2.x catches the import's exception; 3.x does not, and main.py exits.
_STAYS_UP = Fact(
    "the runtime stays up as NOT_SERVING, every Predict failing with INTERNAL",
    S,
    "hsp@2.4.3:src/PythonRuntimeService.py:29-38",
)
_EXITS = Fact(
    "the runtime exits and restarts in a loop, never ready",
    S,
    "hsp@3.0.3:src/grpc_service.py:40-41",
)
_SLIM = "dlp: python:X-slim purges gcc, make and wget and never has git or conda"
#: 2.x appends /model/files/src, and /model/lib when it exists; 3.x /model, /model/files/src
#: and /model/files/src/lib.
IMPORT_PATH_2 = Fact(
    ("/model/files/src", "/model/lib"),
    S,
    "hsp@2.4.3:src/PythonRuntime.py:18-23, PythonRuntimeService.py:19",
)
IMPORT_PATH_3 = Fact(
    ("/model", "/model/files/src", "/model/files/src/lib"),
    S,
    "hsp@3.0.3:src/grpc_service.py:30-38",
)
#: The runtime's own modules, in its start folder, first on sys.path.
_OWN_2 = frozenset({"main", "PythonRuntime", "PythonRuntimeService", "src"})
_OWN_3 = frozenset({"main", "grpc_server", "grpc_service", "src"})
#: The import names of 3.0.1-3.0.3's locked packages (hsp@3.0.3 poetry.lock).
_PACKAGES_303 = frozenset({
    "docker", "pytest", "py", "pluggy", "attr", "packaging", "pyparsing", "six", "requests",
    "urllib3", "idna", "chardet", "certifi", "yaml", "pydantic", "typing_extensions", "numpy",
    "pandas", "pytz", "dateutil", "grpc", "grpc_health", "google", "hydro_serving_grpc",
    "hydrosdk", "importlib_metadata", "zipp", "regex", "docker_image", "sseclient",
    "requests_toolbelt", "more_itertools", "wcwidth", "websocket",
})  # fmt: skip
_LOCK_303 = {
    "numpy": "1.18.3", "pandas": "1.1.5", "grpcio": "1.41.1", "grpcio-health-checking": "1.28.1",
    "protobuf": "3.17.3", "hydrosdk": "3.0.3", "hydro-serving-grpc": "3.0.3", "requests": "2.23.0",
    "pydantic": "1.8.2",
}  # fmt: skip

_IMAGE_300 = Image(
    tags=("3.0.0",),
    built=Fact(("3.7", "3.8"), S, "hsp@3.0.0:Makefile:5"),
    python={"3.7": "3.7.11", "3.8": "3.8.11"},
    user=Fact("app", S, "hsp@3.0.0:Dockerfile:35-42"),
    sudo=Fact(True, S, "hsp@3.0.0:Dockerfile:15-16 (apt-get -y install wget curl sudo)"),
    sudo_allows="/usr/bin/apt",
    apt_lists=Fact("stale", S, "hsp@3.0.0:Dockerfile:15-16 (August 2021)"),
    tools=Fact(frozenset({"wget", "curl"}), S, "hsp@3.0.0:Dockerfile:16"),
    venv=Fact(None, INFERRED, "hsp@3.0.0:Dockerfile (poetry, no venv made)"),
    pip=Fact("21.2.4", INFERRED, "dlp@f154e5d PYTHON_PIP_VERSION"),
    volume_model=Fact(True, S, "hsp@3.0.0:Dockerfile:12"),
    start_folder=Fact("/app/src", S, "hsp@3.0.0:start.sh:3-4"),
    packages=Fact(
        {**_LOCK_303, "grpcio": "1.38.1", "hydrosdk": "3.0.0", "hydro-serving-grpc": "3.0.0"},
        S,
        "hsp@3.0.0:poetry.lock",
    ),
    shadows=Fact(_OWN_3, S, "hsp@3.0.0:start.sh:3-4, grpc_service.py:30-38"),
    libgomp=Fact(False, S, "hsp@3.0.0:Dockerfile:16 (wget curl sudo only)"),
    debian=Fact("bullseye", INFERRED, "dlp@f154e5d: python:3.X-slim is bullseye from 2021-08-16"),
    import_failure=_EXITS,
    import_path=IMPORT_PATH_3,
)

IMAGES: tuple[Image, ...] = (
    Image(
        tags=("2.1.0", "2.2.0", "2.3.0"),
        built=Fact(("3.5", "3.6", "3.7"), S, "hsp@2.3.0:jenkinsfile.groovy:2-7"),
        python={"3.5": "3.5", "3.6": "3.6", "3.7": "3.7"},
        user=Fact("root", S, "hsp@2.3.0:Dockerfile:1-25 (no USER line)"),
        sudo=Fact(False, S, "hsp@2.3.0:Dockerfile:6-8 (only libgomp1)"),
        sudo_allows=None,
        apt_lists=Fact("stale", S, "hsp@2.3.0:Dockerfile:6-8 (apt-get update, never cleaned)"),
        tools=Fact(frozenset(), INFERRED, _SLIM),
        venv=Fact(None, S, "hsp@2.3.0:Dockerfile:10 (pip install as root)"),
        pip=Fact("19.3-20.1", INFERRED, "dlp PYTHON_PIP_VERSION at the build date"),
        volume_model=Fact(True, S, "hsp@2.3.0:Dockerfile:19"),
        start_folder=Fact("/app/src", S, "hsp@2.3.0:start.sh"),
        packages=Fact(None, S, "hsp@2.3.0:requirements.txt (ranges)"),
        shadows=Fact(_OWN_2, S, "hsp@2.4.3:start.sh (cd /app/src), PythonRuntime.py:19-23"),
        libgomp=Fact(True, S, "hsp@2.3.0:Dockerfile:6-8"),
        debian=_BUSTER,
        import_failure=_STAYS_UP,
        import_path=IMPORT_PATH_2,
    ),
    Image(
        tags=("2.3.1", "2.3.2"),
        built=Fact(("3.6", "3.7", "3.8"), S, "hsp@2.3.2:jenkinsfile.groovy:2-6"),
        python={"3.6": "3.6.11", "3.7": "3.7.8", "3.8": "3.8.3"},
        user=Fact("root", S, "hsp@2.3.2:Dockerfile (no USER line)"),
        sudo=Fact(False, S, "hsp@2.3.2:Dockerfile (only libgomp1)"),
        sudo_allows=None,
        apt_lists=Fact("stale", S, "hsp@2.3.2:Dockerfile (apt-get update, never cleaned)"),
        tools=Fact(frozenset(), INFERRED, _SLIM),
        venv=Fact(None, S, "hsp@2.3.2:Dockerfile (pip install as root)"),
        pip=Fact("20.1.1", INFERRED, "dlp@c072137 PYTHON_PIP_VERSION"),
        volume_model=Fact(True, S, "hsp@2.3.2:Dockerfile:19"),
        start_folder=Fact("/app/src", S, "hsp@2.3.2:start.sh"),
        packages=Fact(None, S, "hsp@2.3.2:requirements.txt (ranges)"),
        shadows=Fact(_OWN_2, S, "hsp@2.4.3:start.sh (cd /app/src), PythonRuntime.py:19-23"),
        libgomp=Fact(True, S, "hsp@2.3.2:Dockerfile:6-8"),
        debian=_BUSTER,
        import_failure=_STAYS_UP,
        import_path=IMPORT_PATH_2,
    ),
    Image(
        tags=("2.4.0", "2.4.1", "2.4.2", "2.4.3"),
        built=Fact(("3.6", "3.7", "3.8"), S, "hsp@2.4.3:jenkinsfile.groovy:2-8"),
        python={"3.6": "3.6.12", "3.7": "3.7.9", "3.8": "3.8.6"},
        user=Fact("root", S, "hsp@2.4.3:Dockerfile:1-23 (no USER line)"),
        sudo=Fact(False, S, "hsp@2.4.3:Dockerfile:6-8 (only libgomp1)"),
        sudo_allows=None,
        apt_lists=Fact("stale", S, "hsp@2.4.3:Dockerfile:6-8 (apt-get update, never cleaned)"),
        tools=Fact(frozenset(), INFERRED, _SLIM),
        venv=Fact(None, S, "hsp@2.4.3:Dockerfile (pip install as root)"),
        pip=Fact("20.2.4", INFERRED, "dlp@3d7b737 PYTHON_PIP_VERSION"),
        volume_model=Fact(False, S, "hsp@2.4.3:Dockerfile (no VOLUME)"),
        start_folder=Fact("/app/src", S, "hsp@2.4.3:start.sh:3-7"),
        packages=Fact(None, S, "hsp@2.4.3:requirements.txt:1-7 (ranges)"),
        shadows=Fact(_OWN_2, S, "hsp@2.4.3:start.sh (cd /app/src), PythonRuntime.py:19-23"),
        libgomp=Fact(True, S, "hsp@2.4.3:Dockerfile:8"),
        debian=_BUSTER,
        import_failure=_STAYS_UP,
        import_path=IMPORT_PATH_2,
    ),
    Image(
        tags=("3.0.0-dev1", "3.0.0-dev3", "3.0.0-dev4"),
        built=Fact(("3.6", "3.7", "3.8"), S, "hsp@3.0.0-dev3:jenkinsfile.groovy:18-22"),
        python={"3.6": "3.6", "3.7": "3.7", "3.8": "3.8"},
        user=Fact("app", S, "hsp@3.0.0-dev3:Dockerfile:23-29"),
        sudo=Fact(False, S, "hsp@3.0.0-dev3:Dockerfile:10-11 (wget libgomp1)"),
        sudo_allows=None,
        apt_lists=Fact("stale", S, "hsp@3.0.0-dev3:Dockerfile:10-11"),
        tools=Fact(frozenset({"wget"}), S, "hsp@3.0.0-dev3:Dockerfile:10-11"),
        venv=Fact(None, S, "hsp@3.0.0-dev3:Dockerfile:31 (pip install --user)"),
        pip=Fact("21", INFERRED, "dlp PYTHON_PIP_VERSION at the build date"),
        volume_model=Fact(True, S, "hsp@3.0.0-dev3:Dockerfile:7"),
        start_folder=Fact("/app/src", S, "hsp@3.0.0-dev3:start.sh"),
        packages=Fact(None, S, "hsp@3.0.0-dev3:requirements.txt (ranges)"),
        shadows=Fact(_OWN_3, S, "hsp@3.0.0:start.sh:3-4, grpc_service.py:30-38"),
        libgomp=Fact(True, S, "hsp@3.0.0-dev3:Dockerfile:11"),
        debian=_BUSTER,
        import_failure=_EXITS,
        import_path=IMPORT_PATH_3,
    ),
    Image(
        tags=("3.0.0-alpha.1",),
        built=Fact(("3.7", "3.8"), S, "hsp@3.0.0-alpha.1:Makefile:5"),
        python={"3.7": "3.7", "3.8": "3.8"},
        user=Fact("app", S, "hsp@3.0.0-alpha.1:Dockerfile:35-41"),
        sudo=Fact(False, S, "hsp@3.0.0-alpha.1:Dockerfile:15-16 (wget libgomp1 curl)"),
        sudo_allows=None,
        apt_lists=Fact("stale", S, "hsp@3.0.0-alpha.1:Dockerfile:15-16"),
        tools=Fact(frozenset({"wget", "curl"}), S, "hsp@3.0.0-alpha.1:Dockerfile:15-16"),
        venv=Fact(None, INFERRED, "hsp@3.0.0-alpha.1:Dockerfile:8-10,26-28 (poetry, no venv made)"),
        pip=Fact("21", INFERRED, "dlp PYTHON_PIP_VERSION at the build date"),
        volume_model=Fact(True, S, "hsp@3.0.0-alpha.1:Dockerfile"),
        start_folder=Fact("/app/src", S, "hsp@3.0.0-alpha.1:start.sh"),
        packages=Fact(
            {
                **_LOCK_303,
                "grpcio": "1.38.1",
                "hydrosdk": "3.0.0a5",
                "hydro-serving-grpc": "3.0.0.dev3",
            },
            S,
            "hsp@3.0.0-alpha.2:poetry.lock",
        ),
        shadows=Fact(_OWN_3, S, "hsp@3.0.0:start.sh:3-4, grpc_service.py:30-38"),
        libgomp=Fact(True, S, "hsp@3.0.0-alpha.1:Dockerfile:16"),
        debian=_BUSTER,
        import_failure=_EXITS,
        import_path=IMPORT_PATH_3,
    ),
    # 3.0.0-alpha.2 was built from the same Dockerfile a week before python:slim moved to
    # bullseye.
    replace(_IMAGE_300, tags=("3.0.0-alpha.2",), debian=_BUSTER),
    _IMAGE_300,
    Image(
        tags=("3.0.1", "3.0.2", "3.0.3"),
        built=Fact(("3.7", "3.8.11"), S, "hsp@3.0.3:Makefile:5,9"),
        python={"3.7": "3.7.12", "3.8.11": "3.8.11"},
        user=Fact("app", S, "hsp@3.0.3:Dockerfile:37,56"),
        sudo=Fact(False, S, "hsp@3.0.3:Dockerfile:13-18 (sudo only in the build stage) vs 35-56"),
        sudo_allows=None,
        apt_lists=Fact("absent", S, "dlp@a765583:3.7/bullseye/slim/Dockerfile:135-136"),
        tools=Fact(frozenset(), S, "hsp@3.0.3:Dockerfile:15-18 (curl, wget in the build stage)"),
        venv=Fact("/opt/pysetup/.venv", S, "hsp@3.0.3:Dockerfile:25,46 (app-owned)"),
        pip=Fact("21.3.1", INFERRED, "pip 21.3.1 was the latest at the build date"),
        volume_model=Fact(False, S, "hsp@3.0.3:Dockerfile (no VOLUME)"),
        start_folder=Fact("/home/app/src", S, "hsp@3.0.3:start.sh:3-4"),
        packages=Fact(_LOCK_303, S, "hsp@3.0.3:poetry.lock"),
        shadows=Fact(
            _OWN_3 | _PACKAGES_303, S, "hsp@3.0.3:start.sh:3-4, grpc_service.py:30-38, poetry.lock"
        ),
        libgomp=Fact(False, S, "hsp@3.0.3:Dockerfile:35-56 (no apt-get)"),
        debian=Fact(
            "bullseye", INFERRED, "dlp@f154e5d: python:3.X-slim is bullseye from 2021-08-16"
        ),
        import_failure=_EXITS,
        import_path=IMPORT_PATH_3,
    ),
)


class Named(NamedTuple):
    """A runtime reference split: the image's variant (`3.7`, `3.8.11`) and tag."""

    variant: str
    tag: str


def named(runtime: object) -> Named | None:
    """`hydrosphere/serving-runtime-python-3.7:3.0.3` as (3.7, 3.0.3); None for another
    image, or one without a tag."""
    if not isinstance(runtime, str) or not runtime.startswith(HYDROSPHERE + PYTHON_IMAGE):
        return None
    name, colon, tag = runtime.partition("@")[0].partition(":")
    if not colon or not tag:
        return None
    return Named(name[len(HYDROSPHERE + PYTHON_IMAGE) :], tag)


def python_of(runtime: object) -> tuple[int, int] | None:
    """The Python the image runs, as its name gives it: the runtime's Makefile builds
    `serving-runtime-python-<V>` `FROM python:<V>-slim` (hsp@3.0.3:Makefile:9, Dockerfile:2-3);
    None for another image or a name without a version."""
    name = named(runtime)
    parts = [] if name is None else name.variant.split(".")[:2]
    if len(parts) < 2 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1])


def image_of(tag: str) -> Image | None:
    """The facts of a runtime tag, if hydro has them."""
    return next((image for image in IMAGES if tag in image.tags), None)


def if_import_fails(image: Image | None) -> str:
    """What follows a failing import of func_main in the image, as a clause to end a
    message with ("" when hydro has no facts of the tag)."""
    if image is None:
        return ""
    fact = image.import_failure
    return f"; if the import fails, {fact.value} ({fact.source})"


def summary(runtime: object) -> dict[str, object] | None:
    """What the image a Model names holds, as `hydro resolve` shows it beside the
    container (None: not a Hydrosphere Python runtime, or a tag hydro has no facts for)."""
    name = named(runtime)
    image = None if name is None else image_of(name.tag)
    if name is None or image is None:
        return None
    return {
        "runtime": f"{HYDROSPHERE}{PYTHON_IMAGE}{name.variant}:{name.tag}",
        "built": name.variant in image.built.value,  # type: ignore[operator]
        "python": image.python.get(name.variant),
        "user": image.user.value,
        "sudo": (f"only {image.sudo_allows}" if image.sudo_allows else True)
        if image.sudo.value
        else False,
        "apt_lists": image.apt_lists.value,
        "tools": sorted(image.tools.value),  # type: ignore[call-overload]
        "venv": image.venv.value,
        "pip": image.pip.value,
        "volume_model": image.volume_model.value,
        "start_folder": image.start_folder.value,
    }
