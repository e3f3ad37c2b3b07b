"""What hydro knows: `rules` and `runtimes`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..diagnostics import printable
from ..rules import FixKind, Rule, all_rules, find_rule
from ..suggest import did_you_mean
from .options import (
    TextOrJson,
)
from .running import (
    usage_error,
)


def rules(
    rule_id: Annotated[
        str | None,
        typer.Argument(metavar="[RULE]", help="A rule id (HY309) or name (unknown-type)."),
    ] = None,
    output: TextOrJson = "text",
) -> None:
    """List every rule (its id, name, severity, layer and fix: safe, unsafe or none), or
    explain one with a failing and a passing example."""
    import json

    if output not in ("text", "json"):
        raise usage_error(f"unknown format '{output}' (valid formats: text, json)")
    if rule_id is None:
        if output == "json":
            typer.echo(json.dumps([_rule_json(r) for r in all_rules().values()], indent=2))
            return
        for rule in all_rules().values():
            fix = rule.fix.value if rule.fix else "-"
            typer.echo(
                f"{rule.id}  {rule.name:<30} {rule.severity.value:<8} {rule.layer.value:<11} "
                f"{fix:<7} {rule.summary}"
            )
        return
    found = find_rule(rule_id)
    if found is None:
        rules = all_rules()
        names = [r.name for r in rules.values()]
        hint = did_you_mean(rule_id, [*rules, *names])
        raise usage_error(f"no rule '{rule_id}'" + (f"; {hint}" if hint else ""))
    typer.echo(json.dumps(_rule_json(found), indent=2) if output == "json" else explain(found))


def runtimes(
    image: Annotated[
        str | None,
        typer.Argument(
            metavar="[IMAGE]",
            help="A runtime (hydrosphere/serving-runtime-python-3.7:3.0.3) or a tag (3.0.3).",
        ),
    ] = None,
    output: TextOrJson = "text",
) -> None:
    """List the Python runtime images hydro knows (what the build and the start find in
    each: user, sudo, package lists, tools, pip, the runtime's packages), or one of them
    with the source of each fact."""
    import json

    from ..kinds.model.container.images import IMAGES, image_of, named
    from ..reporters.runtimes import image_json, runtime_text, runtimes_json, runtimes_text

    if output not in ("text", "json"):
        raise usage_error(f"unknown format '{output}' (valid formats: text, json)")
    if image is None:
        text = json.dumps(runtimes_json(), indent=2) if output == "json" else runtimes_text()
        typer.echo(text.rstrip("\n"))
        return
    name = named(image)
    found = image_of(name.tag if name is not None else image)
    if found is None:
        tags = ", ".join(tag for known in IMAGES for tag in known.tags)
        raise usage_error(f"hydro has no facts of '{printable(image)}' (tags it knows: {tags})")
    typer.echo(
        json.dumps(image_json(found), indent=2)
        if output == "json"
        else runtime_text(found).rstrip()
    )


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "severity": rule.severity.value,
        "layer": rule.layer.value,
        "fix": rule.fix.value if rule.fix else None,
        "summary": rule.summary,
        "explanation": rule.explanation,
    }


def explain(rule: Rule) -> str:
    """The text of `hydro rules ID`."""

    def indented(text: str) -> str:
        return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))

    fix = {
        None: "",
        FixKind.SAFE: "\nFix: safe, applied by --fix where the hint is mechanical.\n",
        FixKind.UNSAFE: "\nFix: unsafe (may change the meaning), applied by --fix --unsafe-fixes "
        "where the hint is mechanical.\n",
    }[rule.fix]
    return (
        f"{rule.id} {rule.name} ({rule.severity.value}, layer {rule.layer.value})\n"
        f"{rule.summary}\n\n{rule.explanation}\n{fix}\n"
        f"Fails:\n{indented(rule.example(False))}\n\nPasses:\n{indented(rule.example(True))}"
    )
