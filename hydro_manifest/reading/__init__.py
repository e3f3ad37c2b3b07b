"""Reading a file: bytes to text, YAML to values with positions, the document stage
(kind, pydantic model, spelling repairs), and the comments that suppress findings."""
