"""Document checks of `kind: Model`."""

from __future__ import annotations

from collections.abc import Iterator

from ... import spec
from ...diagnostics import Finding, Target
from ...fixes.changes import Replace
from ..values import Check, Document, mapping, sequence
from .models import SAFE_NAME_LENGTH, servable_name_overflow, split_image_reference
from .rules import (
    DEFAULT_SIGNATURE,
    EMPTY_SHAPE,
    INSTALL_COMMAND_MULTILINE,
    MODEL_NAME_LENGTH,
    PAYLOAD_GLOB,
    PAYLOAD_HIDDEN,
    PAYLOAD_OUTSIDE,
    PROFILE_CASE,
    RUNTIME_FLOATING_TAG,
)

_SECTIONS = ("inputs", "outputs")


def name_length(doc: Document) -> Iterator[Finding]:
    """A name that some of the servable names the manager draws make too long (the model
    reports HY113 when all of them are)."""
    name = doc.get("name")
    if not isinstance(name, str) or not spec.MODEL_NAME_RE.fullmatch(name):
        return
    for digits in range(1, spec.CHECKED_VERSION_DIGITS + 1):
        share, room = servable_name_overflow(len(name), digits)
        if share > 0:
            break
    else:
        return
    if share == 1:
        return
    yield Finding(
        MODEL_NAME_LENGTH,
        f"model name is {len(name)} characters long: from version {10 ** (digits - 1)} on, "
        f"{_share(share)} of the servable names the manager draws (an adjective and a noun "
        f"of more than {room} letters together) exceed Kubernetes' {spec.SERVICE_NAME_MAX} "
        "characters, and such a deployment may fail",
        ("name",),
        f"keep model names to {SAFE_NAME_LENGTH} characters or fewer",
    )


def _share(share: float) -> str:
    return f"{int(share * 100)}%" if share >= 0.01 else f"1 in {round(1 / share):,}"


def runtime_tag(doc: Document) -> Iterator[Finding]:
    runtime = doc.get("runtime")
    if not isinstance(runtime, str):
        return
    name, tag, _ = split_image_reference(runtime)
    if tag in spec.FLOATING_TAGS:
        yield Finding(
            RUNTIME_FLOATING_TAG,
            f"runtime tag '{tag}' moves: the model may be rebuilt on another runtime",
            ("runtime",),
            f"pin a released version, e.g. '{name}:3.0.0'",
        )


def _leaves_folder(entry: str) -> bool:
    depth = 0
    for part in entry.replace("\\", "/").split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


def payload_entries(doc: Document) -> Iterator[Finding]:
    for index, entry in enumerate(sequence(doc.get("payload"))):
        if not isinstance(entry, str) or not entry.strip():
            continue
        path = ("payload", index)
        if any(c in entry for c in "*?["):
            yield Finding(
                PAYLOAD_GLOB,
                f"payload entry '{entry}' is a glob, but `hs apply` 3.x does not expand globs",
                path,
                "list the files, or name the folder (e.g. `./` or `src/`)",
            )
        if entry.startswith(("/", "\\")) or (len(entry) > 1 and entry[1] == ":"):
            yield Finding(
                PAYLOAD_OUTSIDE,
                f"payload entry '{entry}' is absolute: it is unpacked under its whole path "
                "inside /model/files",
                path,
                "use a path relative to this manifest's folder",
            )
        elif _leaves_folder(entry):
            yield Finding(
                PAYLOAD_OUTSIDE,
                f"payload entry '{entry}' leaves the manifest's folder: it lands outside "
                "/model/files",
                path,
                "move the file next to the manifest, or the manifest up a folder",
            )
        last = entry.replace("\\", "/").rsplit("/", 1)[-1]
        if last.startswith(".") and last not in (".", ".."):
            yield Finding(
                PAYLOAD_HIDDEN,
                f"payload entry '{entry}' names a hidden file: the manager skips it when "
                "unpacking, so it never reaches /model/files",
                path,
                f"rename it without the leading dot; if it is a folder, write '{entry}/' "
                "(the files inside a hidden folder do arrive)",
            )


def install_command(doc: Document) -> Iterator[Finding]:
    command = doc.get("install-command")
    if isinstance(command, str) and "\n" in command.strip():
        yield Finding(
            INSTALL_COMMAND_MULTILINE,
            "install-command spans several lines, which breaks the generated Dockerfile",
            ("install-command",),
            "join the commands with `&&` on one line, or use a folded scalar `>-`",
        )


def _fields(doc: Document) -> Iterator[tuple[str, str, dict[str, object]]]:
    contract = mapping(doc.get("contract"))
    for section in _SECTIONS:
        for name, field in mapping(contract.get(section)).items():
            yield section, name, mapping(field)


def contract_fields(doc: Document) -> Iterator[Finding]:
    contract = doc.get("contract")
    if isinstance(contract, dict) and "name" not in contract:
        yield Finding(
            DEFAULT_SIGNATURE,
            f"no contract `name`: the signature is '{spec.DEFAULT_SIGNATURE_NAME}'",
            ("contract", "name"),
            f"for a Python runtime, the function must be called {spec.DEFAULT_SIGNATURE_NAME}",
            Target.PARENT,
        )
    for section, name, field in _fields(doc):
        if field.get("shape") == []:
            yield Finding(
                EMPTY_SHAPE,
                "`shape: []` means a scalar",
                ("contract", section, name, "shape"),
                "write `shape: scalar`",
                change=Replace(spec.SCALAR_SHAPE),
            )
        profile = field.get("profile")
        if (
            profile.__class__ is str
            and not profile.islower()
            and profile.lower() in spec.DOCUMENTED_PROFILES
        ):
            yield Finding(
                PROFILE_CASE,
                f"profile '{profile}' works, but profiles are written in lowercase",
                ("contract", section, name, "profile"),
                f"write '{profile.lower()}'",
                change=Replace(profile.lower()),
            )


CHECKS: tuple[Check, ...] = (
    name_length,
    runtime_tag,
    payload_entries,
    install_command,
    contract_fields,
)
