"""Rules of request bodies, checked against a contract by `hydro check-request`.

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ..rules import ERROR, WARNING, L, model_example, rule

REQUEST_MODEL = model_example(
    "claims",
    "    amount: {shape: scalar, type: double, profile: numerical}\n"
    "    age: {shape: scalar, type: uint8, profile: numerical}\n"
    "    history: {shape: [-1, 3], type: int32, profile: numerical}\n"
    "    region: {shape: scalar, type: string, profile: categorical}\n",
    "    risk: {shape: scalar, type: double, profile: numerical}\n",
)
_BODY = '{"amount": 120.5, "age": 42, "history": [[1, 2, 3]], "region": "north"}\n'
REQUEST_JSON = rule(
    "HY701", "request-json", L.MANAGER, ERROR,
    "a request body that is not a JSON object",
    """
The gateway (`POST /gateway/application/<name>`) takes a JSON object with one key per
contract input. A body that does not parse as JSON, or is not an object, fails at once.
""",
    bad='{"amount": 120.5, "age": 42,\n',
    good=_BODY,
    on_requests=True,
)
REQUEST_MISSING_FIELD = rule(
    "HY702", "request-missing-field", L.MANAGER, ERROR,
    "a contract input missing from the request",
    """
Every input of the contract must be in the request; the runtime calls the model's function
with all of them.
""",
    bad=_BODY.replace(', "region": "north"', ""),
    good=_BODY,
    on_requests=True,
)
REQUEST_UNKNOWN_FIELD = rule(
    "HY703", "request-unknown-field", L.MANAGER, ERROR,
    "a request field the contract does not have",
    """
A field that is not an input of the contract is refused, or never reaches the model; it is
usually a misspelt input.
""",
    bad=_BODY.replace('"region"', '"regoin"'),
    good=_BODY,
    on_requests=True,
)
REQUEST_TYPE = rule(
    "HY704", "request-type", L.MANAGER, ERROR,
    "a request value of the wrong JSON type for its field's type",
    """
Numbers for numeric types, `true`/`false` for `bool`, strings for `string`: a string where
a number is expected (or the other way round) cannot become the field's tensor.
""",
    bad=_BODY.replace("120.5", '"120.5"'),
    good=_BODY,
    on_requests=True,
)
REQUEST_RANGE = rule(
    "HY705", "request-range", L.MANAGER, ERROR,
    "an integer outside the range of its field's type",
    """
`uint8` holds 0 to 255, `int32` -2147483648 to 2147483647, and so on; unsigned types take
no negative numbers. A value outside the range overflows or is refused.
""",
    bad=_BODY.replace('"age": 42', '"age": 300'),
    good=_BODY,
    on_requests=True,
)
REQUEST_FRACTION = rule(
    "HY706", "request-fraction", L.MANAGER, ERROR,
    "a fractional number for an integer field",
    """
An integer type takes whole numbers; `42.5` for an `int32` field is truncated or refused.
""",
    bad=_BODY.replace('"age": 42', '"age": 42.5'),
    good=_BODY,
    on_requests=True,
)
REQUEST_SHAPE = rule(
    "HY707", "request-shape", L.MANAGER, ERROR,
    "a request value whose nesting does not match its field's shape",
    """
A `scalar` field takes one value; a field of shape `[-1, 3]` a list of any length of lists
of exactly three values. Another depth (rank), another fixed size, or lists of different
lengths (ragged) cannot become the field's tensor.
""",
    bad=_BODY.replace("[[1, 2, 3]]", "[[1, 2, 3], [4, 5]]"),
    good=_BODY,
    on_requests=True,
)

# A PredictRequest of the claims model, in protobuf's JSON mapping (what `grpcurl -d`
# takes): strings are bytes, so base64 ("north" is "bm9ydGg=").
_TENSORS = (
    '{"inputs": {\n'
    '  "amount": {"dtype": "DT_DOUBLE", "tensorShape": {}, "doubleVal": [120.5]},\n'
    '  "age": {"dtype": "DT_UINT8", "tensorShape": {}, "intVal": [42]},\n'
    '  "history": {"dtype": "DT_INT32", "tensorShape": {"dims": ["1", "3"]}, '
    '"intVal": [1, 2, 3]},\n'
    '  "region": {"dtype": "DT_STRING", "tensorShape": {}, "stringVal": ["bm9ydGg="]}\n'
    "}}\n"
)
REQUEST_TENSOR_LIST = rule(
    "HY708", "request-tensor-list", L.RUNTIME, ERROR,
    "tensor values in a list the tensor's dtype does not read",
    """
A `Tensor` carries its values in the list of its `dtype`: `doubleVal` for `DT_DOUBLE`,
`intVal` for 8-, 16- and 32-bit integers, `int64Val`, `stringVal`, and so on. The runtime
reads that list only (hydrosdk 3.0.3 `tensor_proto_to_np`: `DTYPE_TO_FIELDNAME[dtype]`);
values in another list never reach the model, which gets an empty tensor instead.
""",
    bad=_TENSORS.replace('"doubleVal": [120.5]', '"floatVal": [120.5]'),
    good=_TENSORS,
    on_requests=True,
)
REQUEST_TENSOR_SIZE = rule(
    "HY709", "request-tensor-size", L.RUNTIME, ERROR,
    "a tensor whose number of values does not match its tensor_shape",
    """
The runtime reshapes a tensor's values by its `tensorShape` (hydrosdk 3.0.3
`tensor_proto_to_np`); `dims: [1, 3]` needs exactly three values (complex numbers take two
each), and no dimensions (a scalar) exactly one. Another count fails the reshape.
""",
    bad=_TENSORS.replace('"intVal": [1, 2, 3]', '"intVal": [1, 2]'),
    good=_TENSORS,
    on_requests=True,
)
REQUEST_TENSOR_DTYPE = rule(
    "HY710", "request-tensor-dtype", L.RUNTIME, WARNING,
    "a tensor whose dtype is not its field's type",
    """
The contract says which `DataType` each field has (`uint8` is `DT_UINT8`, `double` is
`DT_DOUBLE`). A runtime may refuse a tensor of another dtype, or convert it and lose
precision or range; send the contract's.
""",
    bad=_TENSORS.replace('"DT_UINT8"', '"DT_INT32"'),
    good=_TENSORS,
    on_requests=True,
)
REQUEST_MESSAGE = rule(
    "HY711", "request-message", L.RUNTIME, ERROR,
    "a body that is not a PredictRequest",
    """
A gRPC body must be a `hydrosphere.serving.runtime.PredictRequest` (a `PredictResponse`
for `--outputs`): protobuf's binary form, or its JSON mapping with `inputs` holding one
`Tensor` per field. Unknown keys (`doubleVals`), values of the wrong JSON type, or bytes
that do not decode are refused before anything reaches the runtime.
""",
    bad=_TENSORS.replace('"doubleVal"', '"doubleVals"'),
    good=_TENSORS,
    on_requests=True,
)
