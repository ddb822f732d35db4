"""docs/configuration.md's list of settings, generated from the params schema and the default study.

The schema (schemas/params.schema.yaml) is what `load_params` and Snakemake's `validate` enforce, so
it is the one place a setting's type, range and meaning are written; the default is the value in
profiles/default.yaml. One table per top-level key, one row per setting (a dotted key, as `dvc exp
run -S` takes it). A setting without a `description` in the schema is refused here, so a new setting
cannot reach the docs undocumented.
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from ganbench.errors import GanbenchError
from ganbench.pipeline.profiles import BASE, PROFILES_DIR
from ganbench.pipeline.schema_enums import SCHEMA

SAME_AS = {"variants": "variant_defaults"}  # a mapping whose entries take the keys documented under another


def _resolve(node: dict, schema: dict) -> dict:
    """`node` with `$ref` followed and `allOf` merged (properties and descriptions)."""
    while "$ref" in node:
        target = schema
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    if "allOf" in node:
        merged: dict = {k: v for k, v in node.items() if k != "allOf"}
        props: dict = {}
        for part in map(lambda p: _resolve(p, schema), node["allOf"]):
            for name, child in part.get("properties", {}).items():  # a later part adds to a property, never drops it
                props[name] = {**props.get(name, {}), **child}
            merged = {**part, **merged}
        node = {**merged, "properties": props}
    return node


def _range(node: dict) -> str:
    bounds = [f"{op} {node[key]:g}" for key, op in (("minimum", ">="), ("exclusiveMinimum", ">"),
                                                   ("maximum", "<="), ("exclusiveMaximum", "<")) if key in node]
    return " " + ", ".join(bounds) if bounds else ""


def kind(node: dict, schema: dict) -> str:
    """A setting's type in words: `integer >= 1`, `one of a, b`, `list of ...`, `... or null`."""
    node = _resolve(node, schema)
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    if "if" in node:
        return f"{kind(node['then'], schema)}, or {kind(node['else'], schema)}"
    types = node.get("type", "object")
    types = types if isinstance(types, list) else [types]
    words = []
    for t in types:
        if t == "array":
            words.append(f"list of {kind(node.get('items', {}), schema)}")
        elif t == "object":
            keys = (node.get("propertyNames") or {}).get("enum") or list(node.get("properties", {}))
            words.append("mapping" + (f" of {', '.join(keys)}" if keys else ""))
        elif t == "null":
            words.append("null")
        else:
            words.append(t + (_range(node) if t in ("integer", "number") else ""))
    return " or ".join(words)


def _values(value: object, parts: list[str], where: str) -> list[tuple[str, object]]:
    """(entry, value) of the default study at a dotted key; `<name>` stands for every entry of a mapping."""
    if not parts:
        return [(where, value)]
    if not isinstance(value, dict):
        return []
    head, rest = parts[0], parts[1:]
    if head == "<name>":
        return [found for name, child in value.items() for found in _values(child, rest, name)]
    return _values(value[head], rest, where) if head in value else []


def _default(defaults: dict, key: str) -> str:
    found = _values(defaults, key.split("."), "")
    if any(isinstance(v, dict) for _, v in found):
        return "see `profiles/default.yaml`"
    return "; ".join(f"{where}: `{json.dumps(v)}`" if where else f"`{json.dumps(v)}`" for where, v in found)


def _meaning(node: dict, key: str) -> str:
    if "description" not in node:
        raise GanbenchError(f"schemas/params.schema.yaml: {key} has no description: say what it means there")
    return " ".join(str(node["description"]).split()).replace("|", "\\|")


def rows(node: dict, key: str, schema: dict, defaults: dict) -> list[tuple[str, str, str, str]]:
    """(dotted key, type, default, meaning) of every setting under `node`, depth first."""
    node = _resolve(node, schema)
    props = node.get("properties", {})
    entries = node.get("additionalProperties")
    if key in SAME_AS:
        return [(f"{key}.<name>", f"mapping of the keys of `{SAME_AS[key]}`", "", _meaning(node, key))]
    if props and not any(k in node for k in ("if", "enum")):
        own = [(key, kind(node, schema), "", _meaning(node, key))] if "description" in node else []
        return own + [row for name, child in props.items() for row in rows(child, f"{key}.{name}", schema, defaults)]
    if isinstance(entries, dict) and _resolve(entries, schema).get("properties"):
        names = (node.get("propertyNames") or {}).get("enum")
        meaning = _meaning(node, key).rstrip(".") + (f". `<name>`: one of {', '.join(names)}." if names else "")
        return [(key, "mapping", "", meaning), *rows(entries, f"{key}.<name>", schema, defaults)]
    return [(key, kind(node, schema), _default(defaults, key), _meaning(node, key))]


def render(root: Path = Path(".")) -> str:
    schema = yaml.safe_load((root / SCHEMA).read_text())
    defaults = yaml.safe_load((root / PROFILES_DIR / f"{BASE}.yaml").read_text())
    out = []
    for top, node in schema["properties"].items():
        out += [f"### `{top}`", "", "| setting | type | default | meaning |", "|---|---|---|---|"]
        out += [f"| `{k}` | {t} | {d} | {m} |" for k, t, d, m in rows(node, top, schema, defaults)]
        out.append("")
    return "\n".join(out)
