"""``scripts/mutation.py --check`` fails while a recorded surviving mutant is not listed as equivalent.

The record and the document are small fakes written here by hand, so the expected
verdicts are read off them directly: which mutant each fake document lists, and which
it does not.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "mutation.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kzdata_mutation_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


mutation = _load_script()

DOC = """# Testing

## Mutation testing

A survivor named here outside the list does not count: `kzdata._a.x_f__mutmut_9`.

### Equivalent mutants

* `kzdata._a.x_f__mutmut_1`, `_2`: named in full, then by number.
* `kzdata._formats.b.x_g__mutmut_3`, `x_h__mutmut_4`: a second function of the same module.

`kzdata/_c.py`:

- `x_f__mutmut_5`: named by function under its module's line.
- `xǁKǁm__mutmut_6`: a method.

## After the list

* `kzdata._a.x_f__mutmut_7`: past the list's end, so not listed.
"""


def _record(survivors: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    return {module: {"score": 0.95, "survivors": names} for module, names in survivors.items()}


def test_every_listed_survivor_passes() -> None:
    """Mutants named in full, by number after a full name, or by function under a module line all count as listed."""
    record = _record(
        {
            "kzdata/_a.py": ["kzdata._a.x_f__mutmut_1", "kzdata._a.x_f__mutmut_2"],
            "kzdata/_formats/b.py": ["kzdata._formats.b.x_g__mutmut_3", "kzdata._formats.b.x_h__mutmut_4"],
            "kzdata/_c.py": ["kzdata._c.x_f__mutmut_5", "kzdata._c.xǁKǁm__mutmut_6"],
        }
    )
    assert mutation.undocumented_survivors(record, DOC) == {}


def test_a_survivor_not_in_the_list_is_named_with_its_module() -> None:
    """Outside the list (before it or after it), in another module, or under another number, a mutant is not listed."""
    record = _record(
        {
            "kzdata/_a.py": ["kzdata._a.x_f__mutmut_1", "kzdata._a.x_f__mutmut_7", "kzdata._a.x_f__mutmut_9"],
            "kzdata/_c.py": ["kzdata._c.x_f__mutmut_1", "kzdata._c.x_f__mutmut_50"],
        }
    )
    assert mutation.undocumented_survivors(record, DOC) == {
        "kzdata/_a.py": ["kzdata._a.x_f__mutmut_7", "kzdata._a.x_f__mutmut_9"],
        "kzdata/_c.py": ["kzdata._c.x_f__mutmut_1", "kzdata._c.x_f__mutmut_50"],
    }


def test_a_module_without_survivors_or_without_a_list_of_them_has_nothing_to_name() -> None:
    """No survivors, or a record written before survivors were kept (``--check`` says to re-measure it)."""
    record = {"kzdata/_a.py": {"score": 1.0, "survivors": []}, "kzdata/_b.py": {"score": 0.95}}
    assert mutation.undocumented_survivors(record, DOC) == {}
    assert mutation.undocumented_survivors(_record({"kzdata/_a.py": ["kzdata._a.x_f__mutmut_1"]}), "# no list\n") == {
        "kzdata/_a.py": ["kzdata._a.x_f__mutmut_1"]
    }


def test_the_committed_record_lists_every_survivor_it_keeps_as_equivalent() -> None:
    """docs/mutation-scores.json and docs/testing.md as committed: each recorded survivor is listed as equivalent.

    The same check ``scripts/mutation.py --check`` makes in CI, here in the ordinary suite, so a
    re-measured module whose new survivors are not yet explained fails before the merge.
    """
    import json

    root = SCRIPT.parents[1]
    record = json.loads((root / "docs" / "mutation-scores.json").read_text(encoding="utf-8"))
    doc = (root / "docs" / "testing.md").read_text(encoding="utf-8")
    assert mutation.undocumented_survivors(record, doc) == {}
