"""Extract the shipped files of every past release from git into kzdata's history store.

A maintainer runs this once per release, after the release commit (``kzdata release``,
``kzdata build``, commit): it reads each release's data folder from the commit that
shipped it (``git show COMMIT:kzdata/data/...``), checks every file against the hashes
that release's ``datapackage.json`` recorded, and writes

* ``kzdata/_history/<table>.parquet``: one row per *row-version* of the table (a record's
  cells, as the canonical CSV text of the release that shipped them, every column as
  text, missing as null) with ``__releases__``, the releases that shipped exactly that
  row; a record unchanged across releases is stored once;
* ``kzdata/_history/releases.json``: per release, the commit, the recorded fingerprint and
  its scheme, and per table its columns (kind, categories), the sha256 and size of its CSV
  and Parquet files, the Arrow schema its Parquet file was written with, and the sha256
  of its Table Schema; and the sha256 of every history Parquet file;
* ``kzdata/_history_record.py``: the sha256 of ``releases.json`` (code-side, as
  ``kzdata/_release.py`` records the descriptor), so a history file rewritten together
  with its index is refused.

Which commit shipped which release, and why, is ``RELEASES`` below and docs/versioning.md
("Past releases"). The output is deterministic (sorted rows, fixed column order, no
timestamps, the writers of build-lock.txt), so running it twice gives the same bytes.

    python scripts/history.py            # write the store
    python scripts/history.py --check    # exit 1 when the committed store differs
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kzdata import _history  # noqa: E402 - the layout the reader expects
from kzdata._fingerprint import canonical_json  # noqa: E402 - scheme 2's schema hash

#: (version, commit whose kzdata/data/ is the release as shipped). See docs/versioning.md.
RELEASES: tuple[tuple[str, str], ...] = (
    # 0.1.0: the last commit of the session that released it (2026-11-22); its data are
    # those of abb7e17 (the precision audit), unchanged until the 0.2.0 data model began.
    ("0.1.0", "5148673"),
    # 0.2.0: the last commit of the session that released it (2026-12-02, CI landed); the
    # CSV and Parquet files are those of 7226f90, byte-identical through f685561 (2026-12-05).
    ("0.2.0", "29b07a8"),
    ("0.3.0", "34e2160"),
)


def _git(commit: str, path: str) -> bytes:
    command = ["git", "show", f"{commit}:{path}"]
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True).stdout


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _kind(field: pa.Field) -> str:
    """The registry kind whose canonical text the column has (docs/versioning.md)."""
    t = field.type
    if pa.types.is_dictionary(t):
        return "category"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "number"
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        return "date"
    return "text"


def _checked(commit: str, path: str, entry: dict[str, Any], what: str) -> bytes:
    data = _git(commit, f"kzdata/data/{path}")
    if _sha(data) != entry["hash"]:
        raise SystemExit(f"{what} at {commit}: sha256 {_sha(data)} is not the recorded {entry['hash']}")
    return data


def release(version: str, commit: str) -> tuple[dict[str, Any], dict[str, list[dict[str, str | None]]]]:
    """One release's record and its rows (per table, column -> canonical text or None)."""
    descriptor = json.loads(_git(commit, "kzdata/data/datapackage.json"))
    if descriptor["version"] != version:
        raise SystemExit(f"{commit} ships {descriptor['version']}, not {version}")
    fingerprint = descriptor.get("kzdata:fingerprint")
    scheme = descriptor.get("kzdata:fingerprint_scheme") or (_history.SCHEME_1 if fingerprint else None)
    files = {f["name"]: f for f in descriptor.get("kzdata:files", [])}
    record: dict[str, Any] = {
        "version": version,
        "commit": commit,
        "release_date": descriptor.get("kzdata:release_date"),
        "fingerprint": fingerprint,
        "fingerprint_scheme": scheme,
        "files": {},
        "tables": [],
    }
    for name in _history.BESIDE_FILES:
        if name in files:
            record["files"][name] = _checked(commit, name, files[name], name) and files[name]["hash"]
    rows: dict[str, list[dict[str, str | None]]] = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        csv_data = _checked(commit, resource["path"], resource, f"{name} CSV")
        parquet = resource["kzdata:parquet"]
        parquet_data = _checked(commit, parquet["path"], parquet, f"{name} Parquet")
        pf = pq.ParquetFile(pa.BufferReader(parquet_data))
        written = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(pf.metadata.metadata[b"ARROW:schema"])))
        frame = pf.read().to_pandas(date_as_object=False)
        columns = []
        for field in written.remove_metadata():
            column: dict[str, Any] = {"name": field.name, "kind": _kind(field)}
            if column["kind"] == "category":
                column["categories"] = [str(c) for c in frame[field.name].cat.categories]
            columns.append(column)
        reader = csv.reader(io.StringIO(csv_data.decode("utf-8"), newline=""))
        header = next(reader)
        if header != [c["name"] for c in columns]:
            raise SystemExit(f"{name} at {commit}: CSV header {header} is not the Parquet columns")
        rows[name] = [{h: (v if v != "" else None) for h, v in zip(header, line, strict=True)} for line in reader]
        record["tables"].append(
            {
                "name": name,
                "columns": columns,
                "csv": {"sha256": resource["hash"], "bytes": resource["bytes"]},
                "parquet": {"sha256": parquet["hash"], "bytes": parquet["bytes"]},
                "schema_sha256": _sha(canonical_json(resource["schema"])),
                "arrow_schema": base64.b64encode(written.serialize().to_pybytes()).decode("ascii"),
            }
        )
    return record, rows


def store(releases: tuple[tuple[str, str], ...] = RELEASES) -> dict[str, bytes]:
    """Every file of the history store, by its path in the checkout."""
    records = []
    shipped: dict[str, list[tuple[str, dict[str, str | None]]]] = {}
    columns: dict[str, list[str]] = {}
    for version, commit in releases:
        record, rows = release(version, commit)
        records.append(record)
        for table in record["tables"]:
            names = columns.setdefault(table["name"], [])
            names += [c["name"] for c in table["columns"] if c["name"] not in names]
        for name, table_rows in rows.items():
            shipped.setdefault(name, []).extend((version, row) for row in table_rows)
    order = {v: i for i, (v, _) in enumerate(releases)}
    versions: dict[str, dict[tuple[str | None, ...], list[str]]] = {}
    for name, items in shipped.items():
        seen = versions.setdefault(name, {})
        for version, row in items:
            # a column a release did not have is null in its rows
            seen.setdefault(tuple(row.get(c) for c in columns[name]), []).append(version)
    out: dict[str, bytes] = {}
    table_files: dict[str, str] = {}
    for name in sorted(versions):
        names = columns[name]
        width = len(names)
        keyed = sorted(versions[name].items(), key=lambda kv: (kv[0][0] or "", order[kv[1][0]]))
        arrays = [pa.array([" ".join(v) for _, v in keyed], pa.large_string())]
        arrays += [pa.array([k[i] for k, _ in keyed], pa.large_string()) for i in range(width)]
        arrow = pa.Table.from_arrays(arrays, names=[_history.RELEASES_COLUMN, *names])
        sink = io.BytesIO()
        pq.write_table(arrow, sink, compression="zstd", write_statistics=False)
        out[f"{_history.FOLDER}/{name}.parquet"] = sink.getvalue()
        table_files[name] = _sha(sink.getvalue())
    index = {"scheme": _history.STORE_SCHEME, "files": table_files, "releases": records}
    index_bytes = (json.dumps(index, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    out[f"{_history.FOLDER}/{_history.INDEX}"] = index_bytes
    out[_history.RECORD_MODULE] = _history.record_module(_sha(index_bytes)).encode("utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed store; write nothing")
    args = parser.parse_args(argv)
    files = store()
    stale = [p for p, data in files.items() if not (ROOT / p).is_file() or (ROOT / p).read_bytes() != data]
    if args.check:
        for p in stale:
            print(f"stale: {p}", file=sys.stderr)
        return 1 if stale else 0
    for p, data in files.items():
        (ROOT / p).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / p).write_bytes(data)
    print(f"wrote {len(files)} files ({', '.join(v for v, _ in RELEASES)}); {len(stale)} changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
