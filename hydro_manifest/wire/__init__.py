"""The contract and requests as a runtime reads them: protobuf messages, gRPC calls.

Everything here needs the `grpc` extra (`pip install 'hydro-manifest[grpc]'`); the rest of
hydro never imports it, so validating and linting stay as light as before.
"""

from __future__ import annotations

EXTRA = "pip install 'hydro-manifest[grpc]'"

try:
    import google.protobuf  # noqa: F401
except ImportError as missing:  # pragma: no cover - the test extra installs it
    raise ImportError(f"this needs protobuf and grpcio: {EXTRA}") from missing
