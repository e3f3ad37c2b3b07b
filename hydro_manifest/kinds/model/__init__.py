"""`kind: Model`: its rules, pydantic models, document checks, and the files it points at
(payload and training data, on disk and on S3)."""
