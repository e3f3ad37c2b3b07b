"""The model's container: what its image build installs and what the runtime imports and
calls, checked from the files the payload ships (never run).

`check_container` is the one entry: it lays the payload out as the container will hold it
(`layout`), follows the install command and the files it hands pip (`build`), and for
Hydrosphere's Python runtimes reads `func_main.py` (`runtime`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ....diagnostics import STDIN, Finding, Span
from ....diagnostics import Path as DocumentPath
from ....root import Root
from .annotations import check_annotations
from .image import check_runtime_image, image_facts
from .image_rules import (
    ANNOTATION_NEEDS_NEWER_PYTHON,
    MODULE_SHADOWED,
    NAME_NEEDS_NEWER_PYTHON,
    RELATIVE_IMPORT,
    RELATIVE_PATH,
    REQUIREMENT_BREAKS_RUNTIME,
    REQUIREMENT_NEEDS_NEWER_PYTHON,
)
from .images import python_of
from .library_names import check_library_names
from .rules import (
    CUSTOM_RUNTIME,
    IMPORT_MISSING,
    MODEL_FILE_MISSING,
    PIP_CONFIG_FILE,
    REQUIREMENTS_FILE,
    SIGNATURE_OUTPUTS,
    SIGNATURE_PARAMETERS,
)
from .runtime import (
    candidates,
    check_code,
    field_names,
    find_func_main,
    func_main_outside,
    is_hydrosphere_runtime,
    is_python_runtime,
    missing_func_main,
    missing_imports,
    parse,
    search_of,
)

if TYPE_CHECKING:
    from .build import Installed
    from .images import Image
    from .layout import Container
    from .resolver import Resolution

#: An import of func_main.py nothing known provides, with its warning (HY815).
Missing = tuple[str, Finding]

#: How much install-command text one file may have read with the shell grammar, whose
#: time grows faster than the text (`build.SHELL_TEXT_LIMIT` for one command).
FILE_SHELL_BUDGET = 32 * 1024


class ShellBudget:
    """What one file's install commands may still take of the shell grammar (bytes)."""

    __slots__ = ("left",)

    def __init__(self, left: int = FILE_SHELL_BUDGET) -> None:
        self.left = left


#: Where a finding goes in the manifest: characters of a text value at a path.
LocateText = Callable[[DocumentPath, int, int], Span]

#: Findings in a payload file that depend on the Model (its contract, its container), not
#: on the file alone. Several manifests may ship one file, so these name the Model.
_OF_THE_MODEL = {
    PIP_CONFIG_FILE,
    REQUIREMENTS_FILE,
    SIGNATURE_PARAMETERS,
    SIGNATURE_OUTPUTS,
    MODEL_FILE_MISSING,
    IMPORT_MISSING,
    REQUIREMENT_BREAKS_RUNTIME,  # (from here on, they depend on the Model's runtime image)
    REQUIREMENT_NEEDS_NEWER_PYTHON,
    RELATIVE_PATH,
    MODULE_SHADOWED,
    ANNOTATION_NEEDS_NEWER_PYTHON,
    RELATIVE_IMPORT,
    NAME_NEEDS_NEWER_PYTHON,
}


def check_container(
    doc: dict[str, object],
    base: str | None,
    root: Root,
    manifest: str,
    locate_text: LocateText,
    budget: ShellBudget,
    resolutions: list[Resolution] | None = None,
) -> list[Finding]:
    """Everything the Model's container would fail on. `base` is the manifest's folder
    (None: file checks off, and only the field-name guess is left); nothing outside `root`
    is read; `manifest` is the manifest as the report names it, and the files of its
    payload are named alike; `budget` is the shell grammar's share left to the file.
    With `resolutions` (`--remote`), the Model's requirements are added to it for pip,
    and the imports only pip's answer can settle wait there."""
    name = doc.get("name")
    model = f"Model '{name}'" if isinstance(name, str) and name else "the Model"
    model += f" of {manifest}" if manifest != STDIN else ""
    return [
        _of_the_model(model, f)
        for f in _check(doc, base, root, manifest, locate_text, budget, resolutions, model)
    ]


def _of_the_model(model: str, finding: Finding) -> Finding:
    if finding.file is not None and finding.rule in _OF_THE_MODEL:
        return finding._replace(message=f"{model}: {finding.message}")
    return finding


def _check(
    doc: dict[str, object],
    base: str | None,
    root: Root,
    manifest: str,
    locate_text: LocateText,
    budget: ShellBudget,
    resolutions: list[Resolution] | None,
    model: str,
) -> list[Finding]:
    runtime = doc.get("runtime")
    command = doc.get("install-command")
    has_command = isinstance(command, str) and bool(command.strip()) and "\x00" not in command
    image = check_runtime_image(runtime, has_command and base is not None)
    if base is None:
        return [*image, *field_names(doc)] if is_python_runtime(runtime) else image
    # Imported here: a run without the file checks reads no payload file.
    from .build import Installed, install_command
    from .image import check_commands
    from .layout import Container
    from .requirements import requirements

    container = Container(doc.get("payload"), base, root)

    def shown(host: str) -> str:
        return container.named(host, manifest)

    findings: list[Finding] = image
    installed = Installed()
    place = lambda start, end: locate_text(("install-command",), start, end)  # noqa: E731
    if has_command:
        assert isinstance(command, str)
        found, installed = install_command(command, container, place, shown, budget)
        findings += found + requirements(installed, container, shown)
        findings += check_commands(runtime, installed, place)
    if isinstance(runtime, str) and not is_hydrosphere_runtime(runtime):
        findings.append(
            Finding(
                CUSTOM_RUNTIME,
                f"'{runtime}' is not a Hydrosphere runtime: hydro does not check its code",
                ("runtime",),
                "a custom runtime reads /model/contract.protobin and serves Predict on APP_PORT",
            )
        )
    if not is_python_runtime(runtime):
        return findings
    facts = image_facts(runtime)
    tag_facts = None if facts is None else facts[1]
    found_in_code, missing = _func_main(doc, container, root, shown, installed, tag_facts)
    findings += found_in_code
    asks_pip = missing or installed.wanted
    if resolutions is not None and facts is not None and tag_facts is not None and asks_pip:
        from .resolver import resolution

        whole = place(0, len(command)) if isinstance(command, str) else Span(1, 1, 1, 2)
        waiting = [(module, _of_the_model(model, warning)) for module, warning in missing]
        resolutions.append(resolution(facts[0], tag_facts, installed, waiting, model, place, whole))
        return findings  # the imports wait for pip's answer
    return findings + [warning for _, warning in missing]


def _func_main(
    doc: dict[str, object],
    container: Container,
    root: Root,
    shown: Callable[[str], str],
    installed: Installed,
    image: Image | None,
) -> tuple[list[Finding], list[Missing]]:
    """What the runtime would fail on in func_main.py, and apart from it the imports
    nothing known provides (HY815, or `--remote`'s to settle); `image`: the facts of the
    runtime's tag, when hydro has them."""
    search = search_of(image)
    module = find_func_main(container, search)
    leading_out = map(container.leaves_root, candidates(search))
    through = None if module else next(filter(None, leading_out), None)
    if through is not None:
        if not root.contains(through.host):
            return [], []  # the entry itself leads out: HY019 at the entry
        return [func_main_outside(root, ("payload", through.index))], []
    if module is None and any(container.unresolved_around(folder) for folder in search):
        return [], []  # an entry that may hold it is missing (HY216)
    if module is None:
        payload: DocumentPath = ("payload",) if "payload" in doc else ()
        return [missing_func_main(container, payload, search)], []
    _, host = module
    python = python_of(doc.get("runtime"))
    code = parse(host, shown(host), root, python)
    if isinstance(code, Finding):
        return [code], []
    findings = list(check_code(code, doc, container))
    findings += check_annotations(code, python, image)
    findings += check_library_names(code, python, image)
    if image is not None:
        from .start import check_start

        findings += check_start(code, container, image, installed.known)
    return findings, missing_imports(code, container, installed.known, image, python)
