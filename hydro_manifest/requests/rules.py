"""Rules of request bodies, checked against a contract by `hydro check-request`.

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ..rules import ERROR, L, model_example, rule

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
