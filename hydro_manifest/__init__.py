"""hydro: validator, linter and library for Hydrosphere resource definitions.

    import hydro_manifest

    report = hydro_manifest.validate_file("serving.yaml")
    for d in report.diagnostics:
        print(d.line, d.column, d.rule, d.message)

    model = hydro_manifest.load_file("serving.yaml")[0]   # typed pydantic models

The pydantic models (`Model`, `Application`, `DeploymentConfiguration`) are imported on
first use, so that a validation run builds only the models its documents need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .api import (
    Config,
    DocumentInfo,
    FileReport,
    ManifestError,
    Options,
    Report,
    check_runtime,
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
from .kinds.model.files import Reference
from .requests import check_request, sample_request
from .rules import FixKind, Layer, Rule, Severity, all_rules, find_rule

if TYPE_CHECKING:
    from .kinds import Application, DeploymentConfiguration, Model
    from .rules import RULES

_MODELS = ("Model", "Application", "DeploymentConfiguration")


def __getattr__(name: str) -> Any:
    if name == "RULES":  # every rule, declared on first use (see hydro_manifest.rules)
        return all_rules()
    if name in _MODELS:
        return getattr(importlib.import_module(f"{__name__}.kinds"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
