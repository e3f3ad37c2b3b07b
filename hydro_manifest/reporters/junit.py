"""JUnit XML, for CI test reports (GitLab, Jenkins, Azure): one test case per file.

A file with findings at or above the failing threshold is a failed test case, with one
`<failure>` per finding; findings below it go to the test case's `<system-out>`.
"""

from __future__ import annotations

from typing import TextIO
from xml.etree import ElementTree as ET

from ..diagnostics import Diagnostic, printable
from ..report import FileReport, Report
from ..rules import Severity
from .plain import format_line


def write_junit(report: Report, stream: TextIO, threshold: Severity = Severity.ERROR) -> None:
    suites = ET.Element("testsuites", name="hydro")
    suite = ET.SubElement(suites, "testsuite", name="hydro")
    if report.interrupted:  # the other files were not checked
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="interrupted", value="true")
    failures = 0
    for file in report.files:
        failures += _testcase(suite, file, threshold)
    for element in (suites, suite):
        element.set("tests", str(len(report.files)))
        element.set("failures", str(failures))
        element.set("errors", "0")
    suite.set("skipped", "0")
    ET.indent(suites)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode"))
    stream.write("\n")


def _testcase(suite: ET.Element, file: FileReport, threshold: Severity) -> int:
    name = printable(file.file)  # XML cannot hold control characters, even escaped
    case = ET.SubElement(suite, "testcase", classname="hydro", name=name, file=name)
    failing = [d for d in file.diagnostics if d.severity.rank >= threshold.rank]
    for diagnostic in failing:
        message = _message(diagnostic, file.file)
        failure = ET.SubElement(case, "failure", message=message, type=diagnostic.rule)
        failure.text = format_line(diagnostic)
    others = [d for d in file.diagnostics if d.severity.rank < threshold.rank]
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(format_line(d) for d in others)
    return 1 if failing else 0


def _message(d: Diagnostic, case: str) -> str:
    """Where and what; the file is named when it is a payload file, not the test case's."""
    where = f"{printable(d.file)} " if d.file != case else ""
    return f"{d.severity.value}[{d.rule}] {where}line {d.line}, column {d.column}: {d.message}"
