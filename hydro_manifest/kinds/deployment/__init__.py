"""`kind: DeploymentConfiguration`: its rules, pydantic models, document checks, and the
Kubernetes grammars they apply (quantities, labels, names)."""
