"""Profiles: whole studies written as overlays on the default one, materialised into params.yaml.

`profiles/default.yaml` is the default study, complete. Every other `profiles/<name>.yaml` lists only
what it changes: mappings merge key by key, anything else replaces, and a mapping tagged `!replace`
replaces the base's mapping whole (a profile's own variant grid: `variants: !replace {...}`).
`use_profile` writes the merged study onto params.yaml, the only params file any stage reads, with
the comments of both files kept (ruamel.yaml round trip) and a replaced value carrying the
overlay's comment, not the base's.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.tag import Tag

from ganbench.config import DEFAULT_PARAMS, ConfigError, load_params
from ganbench.io import atomic_path

PROFILES_DIR = Path("profiles")
BASE = "default"
REPLACE = "!replace"


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 120
    yaml.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def _overlay(base: CommentedMap, overlay: CommentedMap) -> None:
    """Apply `overlay` onto `base` in place (see the module docstring for the rules)."""
    for key, value in overlay.items():
        replace = isinstance(value, CommentedMap) and value.tag == REPLACE
        merge = isinstance(value, CommentedMap) and isinstance(base.get(key), CommentedMap) and not replace
        if merge:
            keeps_comment = not base[key].fa.flow_style()  # a block's comment names a section; a flow
            _overlay(base[key], value)                     # mapping's comment describes its old values
            if not keeps_comment:
                base[key].ca.comment = value.ca.comment
        else:
            if replace:
                value.yaml_set_ctag(Tag())
            base[key], keeps_comment = value, False
        if key in overlay.ca.items:
            base.ca.items[key] = overlay.ca.items[key]
        elif not keeps_comment:
            base.ca.items.pop(key, None)


def profile_path(name: str, profiles_dir: Path = PROFILES_DIR) -> Path:
    path = profiles_dir / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in profiles_dir.glob("*.yaml")))
        raise ConfigError(f"{path}: no such profile; known: {known}")
    return path


def materialise(name: str, profiles_dir: Path = PROFILES_DIR) -> str:
    """The text of the complete params file of profile `name` (the default profile verbatim)."""
    base_text = profile_path(BASE, profiles_dir).read_text()
    if name == BASE:
        return base_text
    overlay_file = profile_path(name, profiles_dir)
    yaml = _yaml()
    base, overlay = yaml.load(base_text), yaml.load(overlay_file.read_text())
    if not isinstance(overlay, CommentedMap):
        raise ConfigError(f"{overlay_file}: a profile must be a mapping of the params to change")
    base.ca.comment = None  # the default study's header; the overlay's own header says what this is
    _overlay(base, overlay)
    out = io.StringIO()
    yaml.dump(base, out)
    header = (f"# Profile `{name}`: {overlay_file} laid over {profiles_dir / f'{BASE}.yaml'}, written by\n"
              f"# `ganbench profile {name}`. Edit the profile files, not this one, to change the profile.\n")
    return header + out.getvalue()


def use_profile(name: str, params_path: str | os.PathLike = DEFAULT_PARAMS, profiles_dir: Path = PROFILES_DIR) -> None:
    """Validate profile `name` and write it onto `params_path` atomically (nothing is written if invalid)."""
    text = materialise(name, profiles_dir)
    params_path = Path(params_path)
    with atomic_path(params_path) as tmp:
        tmp.write_text(text)
        try:
            load_params(tmp)  # a ConfigError leaves params.yaml as it was
        except ConfigError as exc:  # name the profile, not the temporary file
            raise ConfigError(str(exc).replace(str(tmp), f"profile {profile_path(name, profiles_dir)}", 1)) from None
