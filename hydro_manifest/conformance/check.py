"""The conformance check of a running runtime: health, then Predict with edge cases.

Every finding is placed in the manifest: what the responses get wrong at the contract's
output it concerns, what the server gets wrong (unreachable, hanging, failing) at the
Model's `runtime`, the image under test.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..wire import EXTRA

try:
    import grpc
except ImportError as missing:  # pragma: no cover - the test extra installs it
    raise ImportError(f"runtime-check needs grpcio: {EXTRA}") from missing

from ..diagnostics import Diagnostic, Finding, Path, Span, Target, diagnostic
from ..reading.loader import load
from ..reading.positions import locate
from ..report import DocumentInfo, FileReport, Report
from ..requests import edge_request, sample_request
from ..requests.grpc import check_tensors
from ..rules import Rule
from ..wire import messages
from ..wire.tensors import body_message
from .rules import RUNTIME_HEALTH, RUNTIME_PREDICT_ERROR, RUNTIME_TIMEOUT, RUNTIME_UNREACHABLE

if TYPE_CHECKING:
    from ..kinds import Model

#: The port a runtime listens on unless `APP_PORT` says otherwise.
DEFAULT_PORT = 9090


@dataclass
class RuntimeCheck:
    """What `check_runtime` found: the report, and the time of each answered Predict."""

    report: Report
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    #: The runtime's health status (`SERVING`, ...), None without an answer.
    health: str | None = None

    def percentiles(self) -> dict[str, float]:
        """Latency in milliseconds: p50, p90, p99 and max (empty without answers)."""
        if not self.latencies:
            return {}
        ms = sorted(t * 1000 for t in self.latencies)
        if len(ms) == 1:
            return dict.fromkeys(("p50", "p90", "p99", "max"), ms[0])
        cuts = statistics.quantiles(ms, n=100, method="inclusive")
        return {"p50": cuts[49], "p90": cuts[89], "p99": cuts[98], "max": ms[-1]}


class _Stop(Exception):
    """The runtime cannot be checked further (unreachable, hanging)."""


def check_runtime(
    address: str,
    model: Model,
    manifest: str,
    *,
    requests: int = 20,
    timeout: float = 5.0,
    tls: bool = False,
) -> RuntimeCheck:
    """Check the runtime at `address` (`host:port`; the port defaults to 9090) against the
    contract of `model`, whose manifest file is `manifest`: health, then `requests`
    Predict calls (edge cases first), each response against the contract's outputs."""
    if ":" not in address.rsplit("]", 1)[-1]:
        address = f"{address}:{DEFAULT_PORT}"
    placer = _Placer(manifest, model, address)
    result = RuntimeCheck(Report([]))
    if tls:
        channel = grpc.secure_channel(address, grpc.ssl_channel_credentials())
    else:
        channel = grpc.insecure_channel(address)
    with channel:
        try:
            result.health = _health(channel, timeout, placer, tls)
            _predictions(channel, model, requests, timeout, tls, placer, result)
        except _Stop:
            pass
    result.report = placer.report()
    return result


def _health(channel: grpc.Channel, timeout: float, placer: _Placer, tls: bool) -> str | None:
    check = channel.unary_unary(
        messages.HEALTH_CHECK,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=messages.HealthCheckResponse.FromString,
    )
    try:
        answer = check(messages.HealthCheckRequest(), timeout=timeout)
    except grpc.RpcError as error:
        code: grpc.StatusCode = error.code()
        _stop_if_gone(code, error, placer, "the health check", timeout, tls)
        placer.add(
            RUNTIME_HEALTH,
            f"the runtime has no health service: grpc.health.v1.Health/Check answered "
            f"{code.name}; what probes it may never take it as ready"
            if code is grpc.StatusCode.UNIMPLEMENTED
            else f"the health check failed with {code.name}: {_details(error)}",
            hint="register grpc's health servicer (grpcio-health-checking) and set SERVING",
        )
        return None
    status = {v: k for k, v in messages.SERVING_STATUS.items()}.get(answer.status, "UNKNOWN")
    if status != "SERVING":
        placer.add(
            RUNTIME_HEALTH,
            f"the runtime reports {status} on grpc.health.v1.Health/Check; what probes it may "
            "not send it requests",
            hint="set the status to SERVING once the model is loaded",
        )
    return status


def _predictions(
    channel: grpc.Channel,
    model: Model,
    count: int,
    timeout: float,
    tls: bool,
    placer: _Placer,
    result: RuntimeCheck,
) -> None:
    predict = channel.unary_unary(
        messages.PREDICT,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=messages.PredictResponse.FromString,
    )
    failures: Counter[tuple[str, str]] = Counter()
    reported: set[tuple[str, Path, str]] = set()  # each problem once, not per request
    for name, body in itertools.islice(bodies(model), count):
        request = body_message(model, body)
        started = time.perf_counter()
        try:
            response = predict(request, timeout=timeout)
        except grpc.RpcError as error:
            code: grpc.StatusCode = error.code()
            result.requests += 1
            _stop_if_gone(code, error, placer, f"Predict ({name})", timeout, tls)
            failures[(code.name, _details(error))] += 1
            continue
        result.latencies.append(time.perf_counter() - started)
        result.requests += 1
        for problem in check_tensors(response.outputs, model.outputs, "outputs"):
            key = (problem.rule.id, problem.path, problem.message)
            if key not in reported:
                reported.add(key)
                placer.response(problem.rule, problem.message, problem.path, problem.hint)
    for (code, details), times in failures.items():
        placer.add(
            RUNTIME_PREDICT_ERROR,
            f"Predict failed with {code} in {times} of {result.requests} requests: {details}",
            hint=_PREDICT_HINTS.get(code),
        )


_PREDICT_HINTS = {
    "UNIMPLEMENTED": f"serve {messages.PREDICT.strip('/')} (package, service and method as "
    "in hydro-serving-protos)",
    "INTERNAL": "the message is the runtime's: see its log for the model's traceback",
    "UNKNOWN": "the model raised: see the runtime's log for its traceback",
}


def bodies(model: Model) -> Iterator[tuple[str, dict[str, Any]]]:
    """The requests of a check, edge cases first: the smallest and the largest values of
    each type (unicode strings among them), an empty batch where an input takes one, then
    samples of batches of 1 to 4, without end."""
    yield "the smallest values", edge_request(model, "smallest")
    yield "the largest values", edge_request(model, "largest")
    if any(_batched(f.shape) for f in model.inputs.values()):
        yield "an empty batch", sample_request(model, batch=0)
    seed = 0
    while True:
        yield f"sample {seed}", sample_request(model, seed=seed, batch=seed % 4 + 1)
        seed += 1


def _batched(shape: Any) -> bool:
    return isinstance(shape, list) and bool(shape) and shape[0] == -1


def _stop_if_gone(
    code: grpc.StatusCode,
    error: grpc.RpcError,
    placer: _Placer,
    call: str,
    timeout: float,
    tls: bool,
) -> None:
    if code is grpc.StatusCode.UNAVAILABLE:
        other = "in plaintext, drop --tls" if tls else "with TLS, add --tls"
        placer.add(
            RUNTIME_UNREACHABLE,
            f"{call} could not reach the runtime: {_details(error)}",
            hint=f"is it running and listening on that port? If it answers {other}",
        )
        raise _Stop
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        placer.add(
            RUNTIME_TIMEOUT,
            f"{call} got no answer within {timeout:g} s",
            hint="raise --timeout if the model is slow on purpose",
        )
        raise _Stop


def _details(error: grpc.RpcError) -> str:
    details = error.details() or "(no message)"
    return " ".join(str(details).split())[:300]


class _Placer:
    """Findings placed in the manifest's Model document."""

    def __init__(self, manifest: str, model: Model, address: str):
        self.manifest, self.model, self.address = manifest, model, address
        with open(manifest, encoding="utf-8", errors="replace") as stream:
            self.text = stream.read()
        found = [
            d
            for d in load(self.text).documents
            if isinstance(d.value, dict)
            and d.value.get("kind") == "Model"
            and d.value.get("name") == model.name
        ]
        self.document = found[0] if found else None
        self.diagnostics: list[Diagnostic] = []

    def add(self, rule: Rule, message: str, hint: str | None = None) -> None:
        """A finding about the server, at the Model's `runtime`."""
        self._place(rule, f"runtime at {self.address}: {message}", ("runtime",), hint)

    def response(self, rule: Rule, message: str, path: Path, hint: str | None) -> None:
        """A finding about a response, at the contract's output it is about."""
        name = path[1] if len(path) > 1 else None
        outputs = self.model.outputs
        where: Path = ("contract", "outputs", name) if name in outputs else ("contract", "outputs")
        self._place(rule, f"runtime at {self.address}: {message}", where, hint, Target.KEY)

    def _place(
        self, rule: Rule, message: str, path: Path, hint: str | None, target: Target = Target.VALUE
    ) -> None:
        document = self.document
        index = document.index if document else 0
        span = locate(document.node, path, target) if document else None
        finding = Finding(rule, message, path, hint, target)
        self.diagnostics.append(
            diagnostic(self.manifest, index, span or Span(1, 1, 1, 2), path, finding)
        )

    def report(self) -> Report:
        document = self.document
        info = DocumentInfo(
            document.index if document else 0, "Model", self.model.name,
            document.line if document else 1,
        )  # fmt: skip
        self.diagnostics.sort(key=lambda d: d.sort_key)
        return Report([FileReport(self.manifest, [info], self.diagnostics, self.text)])
