"""The protobuf messages a runtime reads and answers, declared here from their facts.

Field numbers, types and enum values are those of hydro-serving-protos 3.0
(`hydro_serving_grpc` 3.0.3): `contract/types.proto`, `tensor.proto`, `field.proto`,
`signature.proto` and `runtime/api.proto`, same packages and message names, so the bytes
are the ones the manager writes and a runtime parses. The descriptors live in a pool of
their own: a process that also imports `hydro_serving_grpc` keeps both.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import (
    descriptor_pb2,
    descriptor_pool,
    json_format,
    message_factory,
    text_format,
)

CONTRACT = "hydrosphere.serving.contract"
RUNTIME = "hydrosphere.serving.runtime"
#: The gRPC method a runtime serves, and the health service it answers.
PREDICT = f"/{RUNTIME}.PredictionService/Predict"

#: `DataType` (types.proto): name and number.
DATA_TYPES: dict[str, int] = {
    "DT_INVALID": 0, "DT_FLOAT": 1, "DT_DOUBLE": 2, "DT_INT32": 3, "DT_UINT8": 4,
    "DT_INT16": 5, "DT_INT8": 6, "DT_STRING": 7, "DT_COMPLEX64": 8, "DT_INT64": 9,
    "DT_BOOL": 10, "DT_QINT8": 11, "DT_QUINT8": 12, "DT_QINT32": 13, "DT_QINT16": 15,
    "DT_QUINT16": 16, "DT_UINT16": 17, "DT_COMPLEX128": 18, "DT_HALF": 19,
    "DT_UINT32": 22, "DT_UINT64": 23, "DT_ANY": 24, "DT_MAP": 27,
}  # fmt: skip
#: `DataProfileType` (types.proto): name and number.
PROFILE_TYPES: dict[str, int] = {
    "NONE": 0, "CATEGORICAL": 1, "NOMINAL": 11, "ORDINAL": 12, "NUMERICAL": 2,
    "CONTINUOUS": 21, "INTERVAL": 22, "RATIO": 23, "IMAGE": 3, "VIDEO": 4, "AUDIO": 5,
    "TEXT": 6,
}  # fmt: skip
#: `Tensor`'s typed value lists (tensor.proto): field name, number and wire type.
TENSOR_VALUES: tuple[tuple[str, int, str], ...] = (
    ("half_val", 13, "int32"),
    ("float_val", 5, "float"),
    ("double_val", 6, "double"),
    ("int_val", 7, "int32"),
    ("string_val", 8, "bytes"),
    ("scomplex_val", 9, "float"),
    ("int64_val", 10, "int64"),
    ("bool_val", 11, "bool"),
    ("dcomplex_val", 12, "double"),
    ("uint32_val", 16, "uint32"),
    ("uint64_val", 17, "uint64"),
)

_F = descriptor_pb2.FieldDescriptorProto
_SCALARS = {
    "string": _F.TYPE_STRING,
    "bytes": _F.TYPE_BYTES,
    "int32": _F.TYPE_INT32,
    "int64": _F.TYPE_INT64,
    "uint32": _F.TYPE_UINT32,
    "uint64": _F.TYPE_UINT64,
    "float": _F.TYPE_FLOAT,
    "double": _F.TYPE_DOUBLE,
    "bool": _F.TYPE_BOOL,
}


def _field(
    message: descriptor_pb2.DescriptorProto,
    name: str,
    number: int,
    kind: str,
    *,
    repeated: bool = False,
    oneof: int | None = None,
) -> None:
    """A field of `message`: `kind` is a scalar type, `.package.Message` or `enum .package.Enum`."""
    field = message.field.add(name=name, number=number, json_name=camel(name))
    field.label = _F.LABEL_REPEATED if repeated else _F.LABEL_OPTIONAL
    if kind in _SCALARS:
        field.type = _SCALARS[kind]
    elif kind.startswith("enum "):
        field.type, field.type_name = _F.TYPE_ENUM, kind.removeprefix("enum ")
    else:
        field.type, field.type_name = _F.TYPE_MESSAGE, kind
    if oneof is not None:
        field.oneof_index = oneof


def _map(
    message: descriptor_pb2.DescriptorProto, package: str, name: str, number: int, value: str
) -> None:
    """`map<string, value> name = number` in a message of `package`: a repeated field of a
    nested entry message."""
    entry = message.nested_type.add(name=camel(name, upper=True) + "Entry")
    entry.options.map_entry = True
    _field(entry, "key", 1, "string")
    _field(entry, "value", 2, value)
    _field(message, name, number, f".{package}.{message.name}.{entry.name}", repeated=True)


def camel(name: str, *, upper: bool = False) -> str:
    """A field's name in protobuf's JSON mapping: `int64_val` is `int64Val`."""
    head, *rest = name.split("_")
    head = head.capitalize() if upper else head
    return head + "".join(part.capitalize() for part in rest)


def snake(name: str) -> str:
    """A field's protobuf name from its JSON name (`int64Val`, or `int64_val` as it is)."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _contract_file() -> descriptor_pb2.FileDescriptorProto:
    """types, tensor, field and signature: one file of the contract's package."""
    file = descriptor_pb2.FileDescriptorProto(
        name="hydro_manifest/contract.proto", package=CONTRACT, syntax="proto3"
    )
    for enum_name, values in (("DataType", DATA_TYPES), ("DataProfileType", PROFILE_TYPES)):
        enum = file.enum_type.add(name=enum_name)
        for value_name, number in values.items():
            enum.value.add(name=value_name, number=number)
    shape = file.message_type.add(name="TensorShape")
    _field(shape, "dims", 1, "int64", repeated=True)
    tensor = file.message_type.add(name="Tensor")
    _field(tensor, "dtype", 1, f"enum .{CONTRACT}.DataType")
    _field(tensor, "tensor_shape", 2, f".{CONTRACT}.TensorShape")
    _field(tensor, "binary_val", 4, "bytes")
    for name, number, kind in TENSOR_VALUES:
        _field(tensor, name, number, kind, repeated=True)
    _field(tensor, "map_val", 27, f".{CONTRACT}.MapTensorData", repeated=True)
    map_data = file.message_type.add(name="MapTensorData")
    _map(map_data, CONTRACT, "subtensors", 1, f".{CONTRACT}.Tensor")
    field = file.message_type.add(name="ModelField")
    field.oneof_decl.add(name="type_or_subfields")
    subfield = field.nested_type.add(name="Subfield")
    _field(subfield, "data", 1, f".{CONTRACT}.ModelField", repeated=True)
    _field(field, "name", 1, "string")
    _field(field, "shape", 2, f".{CONTRACT}.TensorShape")
    _field(field, "subfields", 3, f".{CONTRACT}.ModelField.Subfield", oneof=0)
    _field(field, "dtype", 4, f"enum .{CONTRACT}.DataType", oneof=0)
    _field(field, "profile", 5, f"enum .{CONTRACT}.DataProfileType")
    signature = file.message_type.add(name="ModelSignature")
    _field(signature, "signature_name", 1, "string")
    _field(signature, "inputs", 2, f".{CONTRACT}.ModelField", repeated=True)
    _field(signature, "outputs", 3, f".{CONTRACT}.ModelField", repeated=True)
    return file


def _runtime_file() -> descriptor_pb2.FileDescriptorProto:
    file = descriptor_pb2.FileDescriptorProto(
        name="hydro_manifest/runtime.proto",
        package=RUNTIME,
        syntax="proto3",
        dependency=["hydro_manifest/contract.proto"],
    )
    for name, key in (("PredictRequest", "inputs"), ("PredictResponse", "outputs")):
        message = file.message_type.add(name=name)
        _map(message, RUNTIME, key, 1, f".{CONTRACT}.Tensor")
    service = file.service.add(name="PredictionService")
    service.method.add(
        name="Predict",
        input_type=f".{RUNTIME}.PredictRequest",
        output_type=f".{RUNTIME}.PredictResponse",
    )
    return file


#: grpc.health.v1 (grpc's health.proto): the service runtimes answer besides Predict.
HEALTH = "grpc.health.v1"
HEALTH_CHECK = f"/{HEALTH}.Health/Check"
SERVING_STATUS: dict[str, int] = {
    "UNKNOWN": 0,
    "SERVING": 1,
    "NOT_SERVING": 2,
    "SERVICE_UNKNOWN": 3,
}


def _health_file() -> descriptor_pb2.FileDescriptorProto:
    file = descriptor_pb2.FileDescriptorProto(
        name="hydro_manifest/health.proto", package=HEALTH, syntax="proto3"
    )
    request = file.message_type.add(name="HealthCheckRequest")
    _field(request, "service", 1, "string")
    response = file.message_type.add(name="HealthCheckResponse")
    status = response.enum_type.add(name="ServingStatus")
    for name, number in SERVING_STATUS.items():
        status.value.add(name=name, number=number)
    _field(response, "status", 1, f"enum .{HEALTH}.HealthCheckResponse.ServingStatus")
    return file


_POOL = descriptor_pool.DescriptorPool()
_POOL.Add(_contract_file())
_POOL.Add(_runtime_file())
_POOL.Add(_health_file())


def _message_class(full_name: str) -> Any:
    """The Python class of a message of these files (`hydrosphere.serving.contract.Tensor`)."""
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


ModelSignature = _message_class(f"{CONTRACT}.ModelSignature")
ModelField = _message_class(f"{CONTRACT}.ModelField")
Tensor = _message_class(f"{CONTRACT}.Tensor")
PredictRequest = _message_class(f"{RUNTIME}.PredictRequest")
PredictResponse = _message_class(f"{RUNTIME}.PredictResponse")
HealthCheckRequest = _message_class(f"{HEALTH}.HealthCheckRequest")
HealthCheckResponse = _message_class(f"{HEALTH}.HealthCheckResponse")


#: How hydro writes a message: protobuf's binary form, its JSON mapping, or its text format.
ENCODINGS = ("protobin", "json", "text")


def encode(message: Any, form: str = "protobin") -> bytes:
    """A message as bytes in one of ENCODINGS (binary: deterministic, field by number)."""
    if form == "protobin":
        return bytes(message.SerializeToString(deterministic=True))
    if form == "json":
        text = json_format.MessageToJson(message, indent=2, ensure_ascii=False)
        return (text + "\n").encode()
    if form == "text":
        return text_format.MessageToString(message, as_utf8=True).encode()
    raise ValueError(f"unknown encoding '{form}' (valid: {', '.join(ENCODINGS)})")
