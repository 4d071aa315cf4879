"""A private copy of the shipped release that a test breaks on purpose, Parquet file by Parquet file.

Reading and writing go through pyarrow alone, never through kzdata: a table is read
with ``pq.read_table(...).to_pandas()``, edited with pandas, and written back with the
file's own Arrow schema, so the pandas metadata (the dtypes the loader restores) stays
as it was. The descriptor's ``kzdata:parquet`` hash and size of every rewritten file are
updated, and so is the code's record of the descriptor (``_release.py`` beside the copied
data folder, which the loaders honour for a folder that has one, as a test's built copy
does), so the loaders' gate accepts the file and the test reaches the rule it means to
break. ``kzdata verify`` still refuses such a copy: its Parquet values no longer match the
CSV files and the fingerprint (tests/test_trust.py); these tests exercise the rules behind
the loaders, as a forger who also rewrote the code would. Rows are found by their primary
key, which is the first column of every table (as in ``raw/<table>.csv``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tests.conftest import REPO

SHIPPED = REPO / "kzdata" / "data"


class ReleaseCopy:
    """The data folder copied to ``folder``; edit frames, then :meth:`save` the changed ones."""

    def __init__(self, folder: Path) -> None:
        shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("__pycache__"))
        self.folder = folder
        self._frames: dict[str, pd.DataFrame] = {}
        self._schemas: dict[str, pa.Schema] = {}

    # ------------------------------------------------------------------ reading

    def frame(self, table: str) -> pd.DataFrame:
        """The table as pandas, read with pyarrow (kept and edited in place until :meth:`save`)."""
        if table not in self._frames:
            arrow = pq.read_table(self.folder / f"{table}.parquet")
            self._schemas[table] = arrow.schema
            # a deep copy: Arrow may hand pandas read-only buffers
            self._frames[table] = arrow.to_pandas(date_as_object=False).copy(deep=True)
        return self._frames[table]

    def key(self, table: str) -> str:
        """The primary key column: the first column."""
        return str(self.frame(table).columns[0])

    def position(self, table: str, pk: str) -> int:
        frame = self.frame(table)
        found = (frame[self.key(table)] == pk).to_numpy().nonzero()[0]
        assert len(found) == 1, f"{table} has no single row {pk!r}: the fixture no longer fits the data"
        return int(found[0])

    def get(self, table: str, pk: str, column: str) -> Any:
        return self.frame(table)[column].iloc[self.position(table, pk)]

    # ------------------------------------------------------------------ editing

    def _value(self, table: str, column: str, value: object) -> object:
        series = self.frame(table)[column]
        if value is None:
            return pd.NaT if pd.api.types.is_datetime64_any_dtype(series) else pd.NA
        if pd.api.types.is_datetime64_any_dtype(series):
            return pd.Timestamp(str(value))
        return value

    def set(self, table: str, pk: str, **cells: object) -> None:
        """Set cells of the row whose primary key is ``pk`` (None: missing; dates as 'YYYY-MM-DD')."""
        frame = self.frame(table)
        row = frame.index[self.position(table, pk)]
        for column, value in cells.items():
            assert column in frame.columns, f"{table} has no column {column!r}"
            frame.loc[row, column] = self._value(table, column, value)

    def add(self, table: str, like: str, **cells: object) -> None:
        """Append a copy of row ``like`` with ``cells`` changed (give it a new primary key)."""
        frame = self.frame(table)
        assert self.key(table) in cells, "a new row needs its own primary key"
        new = frame.iloc[[self.position(table, like)]].copy()
        for column, value in cells.items():
            new.loc[new.index[0], column] = self._value(table, column, value)
        self._frames[table] = pd.concat([frame, new], ignore_index=True)

    def drop(self, table: str, **match: str) -> int:
        """Remove the rows whose columns equal ``match``; return how many went."""
        frame = self.frame(table)
        mask = pd.Series(True, index=frame.index)
        for column, value in match.items():
            mask &= (frame[column] == value).fillna(False).astype(bool)
        self._frames[table] = frame[~mask].reset_index(drop=True)
        return int(mask.sum())

    # ------------------------------------------------------------------ writing

    def save(self) -> None:
        """Write every table read so far with its own schema, and record the new hashes."""
        descriptor_path = self.folder / "datapackage.json"
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        entries = {r["name"]: r["kzdata:parquet"] for r in descriptor["resources"]}
        for table, frame in self._frames.items():
            arrow = pa.Table.from_pandas(frame, schema=self._schemas[table], preserve_index=False)
            file = self.folder / f"{table}.parquet"
            pq.write_table(arrow, file)
            data = file.read_bytes()
            entries[table]["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            entries[table]["bytes"] = len(data)
        text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
        descriptor_path.write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        (self.folder.parent / "_release.py").write_text(f'DESCRIPTOR_SHA256 = "{digest}"\n', encoding="utf-8")
