"""`hydro runtime-check`: a running runtime against its model's contract, over gRPC.

The rules are declared in `rules.py` (plain text, loaded with every rule); the client,
which needs the `grpc` extra, is in `check.py`.
"""
