"""Pydantic models of the three kinds, importable on their own.

Each kind's module is imported on first use, so that validating a file of Models does not
build the Application and DeploymentConfiguration models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .application import Application, ModelVariant, Singular
    from .deployment import DeploymentConfiguration
    from .model import Contract, ContractField, Metric, MetricConfig, Model, MonitoringConfiguration

_MODULES = {
    "Application": "application",
    "ModelVariant": "application",
    "Singular": "application",
    "DeploymentConfiguration": "deployment",
    "Contract": "model",
    "ContractField": "model",
    "Metric": "model",
    "MetricConfig": "model",
    "Model": "model",
    "MonitoringConfiguration": "model",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Application",
    "Contract",
    "ContractField",
    "DeploymentConfiguration",
    "Metric",
    "MetricConfig",
    "Model",
    "ModelVariant",
    "MonitoringConfiguration",
    "Singular",
]
