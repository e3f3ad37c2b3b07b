"""hydro: validator, linter and library for Hydrosphere resource definitions.

    import hydro_manifest

    report = hydro_manifest.validate_file("serving.yaml")
    for d in report.diagnostics:
        print(d.line, d.column, d.rule, d.message)

    model = hydro_manifest.load_file("serving.yaml")[0]   # typed pydantic models

Every name is imported on first use: the pydantic models (`Model`, `Application`,
`DeploymentConfiguration`) are built only when a document needs them, and `hydro`'s
start-up pays only for what its command uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .api import (
        Config,
        DocumentInfo,
        FileReport,
        ManifestError,
        Options,
        Report,
        check_runtime,
        draw_applications,
        encode_contract,
        encode_sample,
        fix_paths,
        lint_paths,
        load_application,
        load_deployment_configuration,
        load_file,
        load_model,
        load_text,
        resolve_file,
        validate_file,
        validate_paths,
        validate_text,
    )
    from .diagnostics import Diagnostic, Edit, Fix
    from .kinds import Application, DeploymentConfiguration, Model
    from .kinds.model.files import Reference
    from .requests import check_request, sample_request
    from .rules import RULES, FixKind, Layer, Rule, Severity, all_rules, find_rule

_API = (
    "Config", "DocumentInfo", "FileReport", "ManifestError", "Options", "Report",
    "check_runtime", "draw_applications", "encode_contract", "encode_sample", "fix_paths",
    "lint_paths",
    "load_application", "load_deployment_configuration", "load_file", "load_model",
    "load_text", "resolve_file", "validate_file", "validate_paths", "validate_text",
)  # fmt: skip
#: Where each name of the package is defined: imported on first use, so that `import
#: hydro_manifest` (and `hydro`'s start-up) costs only what the run uses.
_HOMES = {
    **dict.fromkeys(_API, "api"),
    **dict.fromkeys(("Diagnostic", "Edit", "Fix"), "diagnostics"),
    **dict.fromkeys(("Application", "DeploymentConfiguration", "Model"), "kinds"),
    "Reference": "kinds.model.files",
    **dict.fromkeys(("check_request", "sample_request"), "requests"),
    **dict.fromkeys(("FixKind", "Layer", "Rule", "Severity", "all_rules", "find_rule"), "rules"),
}


def __getattr__(name: str) -> Any:
    if name == "RULES":  # every rule, declared on first use (see hydro_manifest.rules)
        return importlib.import_module(f"{__name__}.rules").all_rules()
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "RULES",
    "Application",
    "Config",
    "DeploymentConfiguration",
    "Diagnostic",
    "DocumentInfo",
    "Edit",
    "FileReport",
    "Fix",
    "FixKind",
    "Layer",
    "ManifestError",
    "Model",
    "Options",
    "Reference",
    "Report",
    "Rule",
    "Severity",
    "__version__",
    "all_rules",
    "check_request",
    "check_runtime",
    "draw_applications",
    "encode_contract",
    "encode_sample",
    "find_rule",
    "fix_paths",
    "lint_paths",
    "load_application",
    "load_deployment_configuration",
    "load_file",
    "load_model",
    "load_text",
    "resolve_file",
    "sample_request",
    "validate_file",
    "validate_paths",
    "validate_text",
]
