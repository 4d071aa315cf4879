"""Write every kzdata table as a Stata ``.dta`` file with variable and value labels.

pandas' own writer (:meth:`pandas.DataFrame.to_stata`, format 118 = Stata 14 and later,
UTF-8) is enough, so this needs no extra dependency; R reads the files with
``haven::read_dta``.

How kzdata's types map onto Stata's, and why:

* **Category columns** become integer codes with a **value label** of the same name
  (code 0 is the first allowed value in the registry's order, so the codes are the
  same in every release that keeps the vocabulary); missing is Stata's ``.``.
* **Booleans** become 0/1 with a value label ``false``/``true``, which is what Stata
  users expect of an indicator variable; missing is ``.``.
* **Dates** become Stata daily dates (``%td``, days since 1 January 1960); missing is ``.``.
  Every date the registry allows (years 0001 to 9999) is written: the dates go to pandas'
  writer at millisecond resolution, never as nanoseconds (which end in 1677 and 2262).
  Stata itself displays ``%td`` dates from 01jan0100 on; an earlier date is stored exactly
  (R, pandas and pyreadstat read it back) but Stata shows it as a number. A pandas too old to
  convert such a date is refused with a message naming the table and column, not a traceback.
* **Integers and numbers** become doubles (Stata's missing ``.`` needs a float type;
  every kzdata integer is exactly representable).
* **Text** stays text; Stata has no missing string, so a missing text is ``""``.
  Cells longer than Stata's 2,045-byte ``str`` limit are stored as ``strL``.

Stata's limits, and what kzdata does about them:

* variable names: at most 32 characters; every kzdata column name already fits
  (checked, and a test pins it);
* variable labels: at most 80 characters. The registry's description is used when it
  fits; a longer one is cut at a word boundary and ends in ``...``. The full text of
  every description is in ``kzdata_columns.dta`` (one row per column of every table)
  and in ``docs/data-dictionary.md``;
* dataset labels: at most 80 characters: the table's title.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kzdata._registry import TABLES, Table
from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

LABEL_LIMIT = 80
"""Stata's limit on the length of a variable or dataset label, in characters."""
NAME_LIMIT = 32
"""Stata's limit on the length of a variable name."""
STR_LIMIT = 2045
"""The longest ``str`` value in bytes; longer text must be ``strL``."""
BOOLEAN_LABELS = ("false", "true")


def short_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """``text`` if it fits Stata's label limit, else cut at a word boundary and ended with ``...``.

    >>> short_label("short")
    'short'
    >>> label = short_label("word " * 40)
    >>> len(label) <= 80, label[-7:]
    (True, 'word...')
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:(") + "..."


def stata_frame(table: Table, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The frame converted for Stata, with its date columns and its ``strL`` columns."""
    import pandas as pd

    out = pd.DataFrame(index=range(len(frame)))
    dates: list[str] = []
    long_text: list[str] = []
    for col in table.columns:
        if len(col.name) > NAME_LIMIT:  # pragma: no cover - the registry test keeps names short
            raise InvalidArgumentError(
                f"column {table.name}.{col.name} is longer than Stata's {NAME_LIMIT} characters; "
                "rename it in the registry"
            )
        series = frame[col.name].reset_index(drop=True)
        if col.kind == "category":
            out[col.name] = series
        elif col.kind == "boolean":
            codes = series.astype("Float64").astype("float64")
            out[col.name] = pd.Categorical.from_codes(codes.fillna(-1).astype("int64"), categories=list(BOOLEAN_LABELS))
        elif col.kind == "date":
            out[col.name] = series.astype("datetime64[ms]")  # [ns] would overflow before 1677
            dates.append(col.name)
        elif col.kind in ("integer", "number"):
            out[col.name] = series.astype("Float64").astype("float64")
        else:
            text = series.astype(object).where(series.notna(), "")
            out[col.name] = text.astype(object)
            if max((len(str(v).encode("utf-8")) for v in text), default=0) > STR_LIMIT:
                long_text.append(col.name)
    return out, dates, long_text


def write_table(table: Table, frame: pd.DataFrame, file: Path) -> Path:
    """Write one table as ``file`` (a ``.dta``), with its labels."""
    import pandas as pd

    data, dates, long_text = stata_frame(table, frame)
    try:
        data.to_stata(
            file,
            write_index=False,
            version=118,
            convert_dates=dict.fromkeys(dates, "td"),
            convert_strl=long_text,
            data_label=short_label(table.title),
            variable_labels={c.name: short_label(c.description) for c in table.columns},
        )
    except (OverflowError, pd.errors.OutOfBoundsDatetime) as exc:
        span = {c: (data[c].min(), data[c].max()) for c in dates}
        shown = "; ".join(f"{c} from {lo.date()} to {hi.date()}" for c, (lo, hi) in span.items() if pd.notna(lo))
        raise InvalidArgumentError(
            f"the installed pandas {pd.__version__} cannot write the dates of table {table.name} to Stata "
            f"({shown}): {exc}. Upgrade pandas (pip install -U pandas), or export another format "
            "(e.g. --format csv)"
        ) from None
    return file


def dictionary_frame() -> pd.DataFrame:
    """One row per column of every table, with the full description (Stata labels are cut at 80)."""
    import pandas as pd

    rows = [
        {
            "table_name": t.name,
            "column_name": c.name,
            "type": c.kind,
            "nullable": int(c.nullable),
            "allowed_values": ", ".join(c.enum),
            "references": c.references or "",
            "description": c.description,
        }
        for t in TABLES
        for c in t.columns
    ]
    return pd.DataFrame(rows)


def write_stata(target: Path) -> list[Path]:
    """Write ``TABLE.dta`` for every table, plus ``kzdata_columns.dta`` (the data dictionary), into ``target``."""
    from kzdata._load import load

    written = [write_table(t, load(t.name), target / f"{t.name}.dta") for t in TABLES]
    dictionary = target / "kzdata_columns.dta"
    dictionary_frame().to_stata(
        dictionary,
        write_index=False,
        version=118,
        convert_strl=["description", "allowed_values"],
        data_label="kzdata data dictionary: one row per column of every table",
    )
    written.append(dictionary)
    return written


def write(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """The stata export format, written into its folder inside the export folder ``target``."""
    return write_stata(folders[0])
