"""Rules of a running runtime, checked by `hydro runtime-check` (`check.py`).

The responses' tensors are checked with the rules of bodies (HY702-HY711, in
`requests/rules.py`), as `hydro check-request --outputs` checks them.
"""

from __future__ import annotations

from ..rules import ERROR, WARNING, L, model_example, rule

_MODEL = model_example(
    "claims",
    "    amount: {shape: scalar, type: double, profile: numerical}\n",
    "    risk: {shape: scalar, type: double, profile: numerical}\n",
)
RUNTIME_UNREACHABLE = rule(
    "HY901", "runtime-unreachable", L.RUNTIME, ERROR,
    "the runtime cannot be reached at its address",
    """
Nothing answers at the address: the connection is refused (no server on that port, or it
listens on another interface than the one dialled), the name does not resolve, or one side
speaks TLS and the other plaintext. The manager reaches runtimes in plaintext gRPC on
`APP_PORT` (9090 unless set).
""",
    bad="# hydro runtime-check localhost:9091 serving.yaml   (the runtime listens on 9090)\n",
    good=_MODEL,
)
RUNTIME_TIMEOUT = rule(
    "HY902", "runtime-timeout", L.RUNTIME, ERROR,
    "the runtime does not answer within the timeout",
    """
The call reached the runtime but got no answer in `--timeout` seconds: the model hangs,
loads on first call for too long, or the server has no free worker. Callers give up the
same way.
""",
    bad="# def predict(amount):\n#     time.sleep(3600)\n",
    good=_MODEL,
)
RUNTIME_HEALTH = rule(
    "HY903", "runtime-health", L.RUNTIME, WARNING,
    "the runtime does not report itself serving on grpc.health.v1",
    """
Runtimes answer `grpc.health.v1.Health/Check` besides `Predict` (the Python runtime
registers grpc's health servicer). A runtime without it, or one that reports
`NOT_SERVING`, may never be taken as ready by what probes it.
""",
    bad="# server = grpc.server(...)\n# add_PredictionServiceServicer_to_server(...)\n"
    "# (no health servicer)\n",
    good=_MODEL,
)
RUNTIME_PREDICT_ERROR = rule(
    "HY904", "runtime-predict-error", L.RUNTIME, ERROR,
    "the runtime answers Predict with an error",
    """
`PredictionService/Predict` returned a gRPC error instead of a `PredictResponse`:
`UNIMPLEMENTED` (the server does not serve `hydrosphere.serving.runtime.PredictionService`,
or names it differently), `INTERNAL` or `UNKNOWN` (the model raised; the runtime's message
says what), `INVALID_ARGUMENT` (it refused a request that fits the contract).
""",
    bad="# def predict(amount):\n#     raise ValueError('model not loaded')\n",
    good=_MODEL,
)
