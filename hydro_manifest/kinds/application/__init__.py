"""`kind: Application`: its rules, pydantic models and document checks."""
