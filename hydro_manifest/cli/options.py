"""The options the commands share, each declared once, and the parsers of their values
(plain functions: no pydantic adapter per option, and messages a user can read)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..rules import Severity


def _kept(value: str) -> str:
    return value


Paths = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH",
        parser=_kept,
        help="Manifest files to check (at least one); `-` reads standard input.",
    ),
]


def _severity(value: str | Severity) -> Severity:
    if isinstance(value, Severity):
        return value
    try:
        return Severity(value.strip().lower())
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not one of error, warning, note") from None


def _color(value: str) -> str:
    if value.strip().lower() not in _COLORS:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(_COLORS)}")
    return value.strip().lower()


_COLORS = ("auto", "always", "never")


def _resolution_format(value: str) -> str:
    if value.strip().lower() not in ("text", "json"):
        raise typer.BadParameter(f"'{value}' is not one of text, json")
    return value.strip().lower()


StdinFilename = Annotated[
    str | None,
    typer.Option(
        "--stdin-filename",
        help="Name standard input in the report; its folder is where references resolve.",
    ),
]
Strict = Annotated[
    bool, typer.Option("--strict", help="Fail on warnings too (same as --fail-on warning).")
]
FailOn = Annotated[
    Severity | None,
    typer.Option(
        "--fail-on",
        parser=_severity,
        metavar="error|warning|note",
        help="Lowest severity that fails the run [default: error].",
    ),
]
Select = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="RULE",
        help="Check only these: rule ids, id prefixes (HY5), names or layers; repeat, or "
        "separate with commas. Replaces the configuration's `select`.",
    ),
]
Ignore = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="RULE",
        help="Do not check these (as --select names them). Replaces the configuration's `ignore`.",
    ),
]
ExitZero = Annotated[
    bool,
    typer.Option("--exit-zero", help="Exit with 0 even when findings fail the threshold."),
]
Color = Annotated[
    str,
    typer.Option(
        "--color",
        metavar="auto|always|never",
        parser=_color,
        help="Colour and layout for a terminal: auto (on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR forces it), always or never [default: auto].",
    ),
]
Formats = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT[=FILE]",
        help="text, json, sarif, junit or github; repeat with =FILE to write several "
        "[default: text; github inside GitHub Actions].",
    ),
]
OutputFile = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE."),
]
#: Where `contract` and `sample` write what they make (standard output without it).
WrittenFile = Annotated[
    str | None, typer.Option("--output", "-o", metavar="FILE", help="Write it to FILE.")
]
MaxFileSize = Annotated[
    float | None,
    typer.Option(
        "--max-file-size",
        metavar="MIB",
        min=0.001,
        help="Report larger files instead of reading them [default: 10].",
    ),
]
#: `hydro rules` and `hydro runtimes`: for people, or for tools.
TextOrJson = Annotated[
    str,
    typer.Option(
        "--format", "-f", metavar="text|json", help="Text, or JSON for tools [default: text]."
    ),
]
RootFolder = Annotated[
    str | None,
    typer.Option(
        "--root",
        metavar="DIR",
        help="The repository root: no file outside it is opened [default: the nearest folder "
        "above each manifest that holds .git].",
    ),
]
ConfigFile = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="A .hydro.yaml or pyproject.toml ([tool.hydro]); by default the nearest above "
        "the first path.",
    ),
]
NoFileChecks = Annotated[
    bool,
    typer.Option(
        "--no-file-checks",
        help="Do not look for payload files and local training data "
        "(for manifests checked away from their files).",
    ),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        envvar="HYDRO_NO_CACHE",
        help="Check every file again. By default a file whose checks would see what the last "
        "lint saw (the file, what its Models ship and read) has that lint's result, kept in "
        "the user's cache folder ($HYDRO_CACHE_DIR, else $XDG_CACHE_HOME/hydro), never in "
        "the repository.",
    ),
]
Remote = Annotated[
    bool,
    typer.Option(
        "--remote",
        help="Ask the network: s3:// training data on S3 (credentials the standard boto3 "
        "way), and each Model's requirements resolved by pip for its runtime image.",
    ),
]
IndexUrl = Annotated[
    str | None,
    typer.Option(
        "--index-url",
        metavar="URL",
        help="With --remote: resolve requirements from this index (a mirror) instead of the "
        "one each container would use.",
    ),
]
ResolveTimeout = Annotated[
    float | None,
    typer.Option(
        "--resolve-timeout",
        metavar="SECONDS",
        min=1,
        help="With --remote: the time one Model's requirements may take to resolve [default: 120].",
    ),
]
S3EndpointUrl = Annotated[
    str | None,
    typer.Option(
        "--s3-endpoint-url",
        help="An S3-compatible endpoint (MinIO, Ceph); AWS_ENDPOINT_URL works too.",
    ),
]


WithPaths = Annotated[
    list[str] | None,
    typer.Option(
        "--with",
        metavar="PATH",
        help="More manifests, or folders of them, where an application's models are.",
    ),
]
TargetName = Annotated[
    str | None,
    typer.Option("--name", help="The Model or Application [default: the first application]."),
]
LintPaths = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH",
        parser=_kept,
        help="Files and folders to lint together (default: the current folder).",
    ),
]
ResolutionFormat = Annotated[
    str,
    typer.Option(
        "--format", "-f", metavar="text|json", parser=_resolution_format, help="Report format."
    ),
]
ApplyFixes = Annotated[
    bool,
    typer.Option(
        "--fix",
        help="Apply the safe fixes, then report what remains (standard input: the fixed "
        "text goes to standard output, the report to standard error).",
    ),
]
UnsafeFixes = Annotated[
    bool,
    typer.Option(
        "--unsafe-fixes",
        help="With --fix or --diff, apply the unsafe fixes too (they may change the meaning).",
    ),
]
ShowDiff = Annotated[
    bool,
    typer.Option(
        "--diff",
        help="Print the fixes as a unified diff and change nothing; exit 1 when there is one.",
    ),
]
Statistics = Annotated[
    bool,
    typer.Option(
        "--statistics",
        help="Show how many findings each rule has (and how many are fixable), not each one.",
    ),
]
Baseline = Annotated[
    str | None,
    typer.Option(
        "--baseline",
        metavar="FILE",
        help="Do not report the findings recorded in FILE (written by `hydro baseline`).",
    ),
]

Summary = Annotated[
    str | None,
    typer.Option(
        "--summary",
        metavar="FILE",
        help="Also write a Markdown summary (totals, findings per rule, errors, diagrams of "
        "broken pipelines) to FILE; inside GitHub Actions it goes to the job's summary too.",
    ),
]
Exclude = Annotated[
    list[str] | None,
    typer.Option("--exclude", metavar="GLOB", help="Skip matching paths (gitignore style)."),
]
