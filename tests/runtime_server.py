"""A small custom runtime as the docs describe one, for `hydro runtime-check` to test.

    python tests/runtime_server.py CONTRACT.protobin MODE

It reads the contract (`hydro contract` writes it), serves
`hydrosphere.serving.runtime.PredictionService/Predict` and grpc's health service on a
free port of 127.0.0.1, and prints that port. Each answer has every output of the
contract, zeros of its type, the batch of the first input. MODE breaks it one way:
`correct`, `wrong-name` (an output misspelt), `wrong-dtype` (the first output's dtype
changed, its values left where they were), `crash` (INTERNAL with the model's error),
`hang`, `no-health`, `not-serving`.
"""

from __future__ import annotations

import sys
import time
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from hydro_manifest.wire import messages
from hydro_manifest.wire.tensors import VALUE_LIST


def answer(signature: object, request: object, mode: str) -> object:
    first = next(iter(request.inputs.values()), None)  # type: ignore[attr-defined]
    batch = first.tensor_shape.dims[0] if first is not None and first.tensor_shape.dims else 1
    response = messages.PredictResponse()
    for index, field in enumerate(signature.outputs):  # type: ignore[attr-defined]
        name = field.name + ("x" if mode == "wrong-name" else "")
        tensor = response.outputs[name]
        tensor.dtype = field.dtype
        dims = [batch if size == -1 else size for size in field.shape.dims]
        tensor.tensor_shape.SetInParent()
        tensor.tensor_shape.dims.extend(dims)
        count = 1
        for size in dims:
            count *= size
        values = VALUE_LIST[field.dtype]
        zero = b"" if values == "string_val" else 0
        getattr(tensor, values).extend([zero] * count * (2 if "complex" in values else 1))
        if mode == "wrong-dtype" and index == 0:
            other = "DT_DOUBLE" if field.dtype == messages.DATA_TYPES["DT_STRING"] else "DT_STRING"
            tensor.dtype = messages.DATA_TYPES[other]
    return response


def main() -> None:
    contract, mode = sys.argv[1], sys.argv[2]
    with open(contract, "rb") as stream:
        signature = messages.ModelSignature.FromString(stream.read())

    def predict(request: object, context: grpc.ServicerContext) -> object:
        if mode == "hang":
            time.sleep(60)
        if mode == "crash":
            context.abort(grpc.StatusCode.INTERNAL, "ValueError: model weights not loaded")
        return answer(signature, request, mode)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    handler = grpc.method_handlers_generic_handler(
        f"{messages.RUNTIME}.PredictionService",
        {
            "Predict": grpc.unary_unary_rpc_method_handler(
                predict,
                request_deserializer=messages.PredictRequest.FromString,
                response_serializer=lambda m: m.SerializeToString(),
            )
        },
    )
    server.add_generic_rpc_handlers((handler,))
    if mode != "no-health":
        servicer = health.HealthServicer()
        status = health_pb2.HealthCheckResponse.NOT_SERVING
        if mode != "not-serving":
            status = health_pb2.HealthCheckResponse.SERVING
        servicer.set("", status)
        health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
