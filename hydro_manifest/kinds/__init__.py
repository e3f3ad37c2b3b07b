"""The three kinds of resource definition: the one table of them, and their pydantic models.

Each kind is a package beside this module (`model/`, `application/`, `deployment/`) holding
its rules, pydantic models and checks. A kind's package is imported on first use, so that
validating a file of Models does not build the Application and DeploymentConfiguration
models, and `hydro rules` builds none.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .application.models import Application, ModelVariant, Singular
    from .deployment.models import DeploymentConfiguration
    from .model.contract import Contract, ContractField
    from .model.models import Metric, MetricConfig, Model, MonitoringConfiguration
    from .values import Check


@dataclass(frozen=True)
class Kind:
    """One kind: its name in `kind:`, the package beside this module, the top-level keys
    that give a document of it away when `kind` is missing, and what it is."""

    name: str
    package: str
    telltale_keys: frozenset[str]
    summary: str

    def module(self, part: str) -> ModuleType:
        """The kind's `rules`, `models`, `checks` (or the Model's `contract`) module."""
        # __import__ rather than importlib.import_module: `python -X importtime` sees it
        __import__(f"{__name__}.{self.package}.{part}")
        return sys.modules[f"{__name__}.{self.package}.{part}"]

    @property
    def model(self) -> type[BaseModel]:
        """The pydantic model of the kind (built on first use)."""
        model: type[BaseModel] = getattr(self.module("models"), self.name)
        return model

    @property
    def checks(self) -> tuple[Check, ...]:
        """The checks that need the whole document."""
        checks: tuple[Check, ...] = self.module("checks").CHECKS
        return checks


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "Model",
            "model",
            frozenset({"runtime", "contract", "payload", "install-command", "training-data"}),
            "a model version to build and upload",
        ),
        Kind(
            "Application",
            "application",
            frozenset({"singular", "pipeline"}),
            "a model, or a pipeline of stages of models, served behind one endpoint",
        ),
        Kind(
            "DeploymentConfiguration",
            "deployment",
            frozenset({"hpa", "deployment", "container", "pod"}),
            "Kubernetes settings for the servables of an application",
        ),
    )
}
NAMES: tuple[str, ...] = tuple(KINDS)

#: The pydantic classes importable from here: the kind whose package defines them, and the
#: module.
_CLASSES = {
    "Application": ("Application", "models"),
    "ModelVariant": ("Application", "models"),
    "Singular": ("Application", "models"),
    "DeploymentConfiguration": ("DeploymentConfiguration", "models"),
    "Contract": ("Model", "contract"),
    "ContractField": ("Model", "contract"),
    "Metric": ("Model", "models"),
    "MetricConfig": ("Model", "models"),
    "Model": ("Model", "models"),
    "MonitoringConfiguration": ("Model", "models"),
}


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        kind, module = _CLASSES[name]
        return getattr(KINDS[kind].module(module), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "KINDS",
    "NAMES",
    "Application",
    "Contract",
    "ContractField",
    "DeploymentConfiguration",
    "Kind",
    "Metric",
    "MetricConfig",
    "Model",
    "ModelVariant",
    "MonitoringConfiguration",
    "Singular",
]
