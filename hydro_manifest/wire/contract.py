"""A Model's contract as the `ModelSignature` of `/model/contract.protobin`.

Built field by field as hs 3.0.3's `Contract.to_proto()` (`hs/entities/contract.py`)
builds it before the upload: fields in the manifest's order, a `scalar` shape as an
empty `TensorShape` that is present, the type through `NAME_TO_DTYPES`, the profile's
name in capitals. The manager stores that signature and writes it into the image.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import spec
from . import messages

if TYPE_CHECKING:
    from ..kinds import Model
    from ..kinds.model.contract import ContractField


def signature(model: Model) -> Any:
    """The model's `hydrosphere.serving.contract.ModelSignature` message."""
    message = messages.ModelSignature(signature_name=model.signature_name)
    message.inputs.extend(_field(name, field) for name, field in model.inputs.items())
    message.outputs.extend(_field(name, field) for name, field in model.outputs.items())
    return message


def _field(name: str, field: ContractField) -> Any:
    message = messages.ModelField(name=name)
    if field.shape is not None:  # hs requires a shape; a report of hydro says so first
        message.shape.SetInParent()
        if isinstance(field.shape, list):
            message.shape.dims.extend(field.shape)
    message.dtype = messages.DATA_TYPES[spec.WIRE_TYPES[field.type][0]]
    if field.profile is not None:
        message.profile = messages.PROFILE_TYPES[field.profile.upper()]
    return message
