"""Pydantic models of the three kinds, importable on their own."""

from .application import Application, ModelVariant, Singular
from .deployment import DeploymentConfiguration
from .model import Contract, ContractField, Metric, MetricConfig, Model, MonitoringConfiguration

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
