"""`hydro runtimes`: the runtime images hydro knows, as text or JSON (one, with sources)."""

from __future__ import annotations

from typing import Any

from ..kinds.model.container.images import (
    HYDROSPHERE,
    IMAGES,
    PYTHON_IMAGE,
    TOOLS,
    Fact,
    Image,
)
from ..version import __version__

#: Each fact of an image, by the name the reports give it.
_FACTS = ("built", "user", "sudo", "apt_lists", "debian", "tools", "venv", "pip", "volume_model",
          "start_folder", "import_path", "import_failure", "packages")  # fmt: skip


def _value(name: str, image: Image) -> Any:
    fact: Fact = getattr(image, name)
    value = fact.value
    if name == "sudo" and value and image.sudo_allows:
        return f"only {image.sudo_allows}"
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def image_json(image: Image) -> dict[str, Any]:
    facts = {
        name: {
            "value": _value(name, image),
            "evidence": getattr(image, name).evidence.value,
            "source": getattr(image, name).source,
        }
        for name in _FACTS
    }
    return {"tags": list(image.tags), "python": image.python, "facts": facts}


def runtimes_json(images: tuple[Image, ...] = IMAGES) -> dict[str, Any]:
    return {
        "version": 1,
        "tool": {"name": "hydro", "version": __version__},
        "images": [image_json(image) for image in images],
    }


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


def runtimes_text(images: tuple[Image, ...] = IMAGES) -> str:
    """One row an image: tags, images built (with their Python), user, sudo, package
    lists, Debian release, tools, where pip installs; columns aligned."""
    rows = [["tags", "images (serving-runtime-python-…)", "user", "sudo", "apt lists", "debian",
             "tools", "packages in"]]  # fmt: skip
    for image in images:
        built = ", ".join(f"-{v} ({image.python[v]})" for v in _value("built", image))
        tools = ", ".join(t for t in TOOLS if t in image.tools.value) or "none"  # type: ignore[operator]
        rows.append(
            [
                ", ".join(image.tags),
                built,
                str(image.user.value),
                _shown(_value("sudo", image)),
                str(image.apt_lists.value),
                str(image.debian.value),
                tools,
                str(image.venv.value or "system site"),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


def runtime_text(image: Image) -> str:
    """One image's facts, each with its evidence and source."""
    names = ", ".join(f"{HYDROSPHERE}{PYTHON_IMAGE}{v}" for v in _value("built", image))
    lines = [f"tags {', '.join(image.tags)}: {names}"]
    lines.append(
        "python: " + ", ".join(f"-{variant} {version}" for variant, version in image.python.items())
    )
    for name in _FACTS:
        fact: Fact = getattr(image, name)
        label = name.replace("_", " ")
        shown = _shown(_value(name, image))
        lines.append(f"{label}: {shown}  [{fact.evidence.value}: {fact.source}]")
    lines.append("evidence: S a source line says it; I inferred from sources and tools' behaviour")
    return "\n".join(lines) + "\n"
