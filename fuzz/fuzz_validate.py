"""Coverage-guided fuzzing of `validate_text` with atheris (run locally; not part of CI).

    pip install atheris
    mkdir -p /tmp/hydro-fuzz
    for f in examples/*.yaml examples/*/*.yaml; do
        cp "$f" "/tmp/hydro-fuzz/$(echo "$f" | tr / _)"
    done
    python fuzz/fuzz_validate.py /tmp/hydro-fuzz -max_total_time=600

libFuzzer mutates the seed manifests, guided by the coverage of hydro's code. An input
fails when hydro reports an internal error (HY000), raises, or places a finding outside
the file; libFuzzer then writes it to crash-<hash>. Keep each one as an `@example` of
tests/test_properties.py.
"""

from __future__ import annotations

import re
import sys

import atheris

with atheris.instrument_imports(include=["hydro_manifest"]):
    from hydro_manifest import Options, validate_text

OPTIONS = Options(file_checks=False)
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def test_one_input(data: bytes) -> None:
    report = validate_text(data, "fuzz.yaml", options=OPTIONS)
    internal = [d for d in report.diagnostics if d.rule == "HY000"]
    if internal:
        raise AssertionError(internal[0].message)
    lines = LINE_BREAK.split(data.decode("utf-8", "replace").lstrip("\ufeff"))
    for d in report.diagnostics:
        if not 1 <= d.line <= len(lines) + 1 or d.column < 1:
            raise AssertionError(f"finding outside the file: {d}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
