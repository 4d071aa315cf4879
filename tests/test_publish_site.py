"""The Datasette site: metadata from the registry, canned queries that answer, and `kzdata serve`."""

from __future__ import annotations

import errno
import html
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kzdata._cli import main
from kzdata._formats.datasette import QUERIES, facets, label_column, metadata, write_site
from kzdata._registry import REGISTRY
from tests import oracle
from tests.expected_keys import FOREIGN_KEYS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert main(["export", "--format", "datasette", "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "datasette").iterdir()) == [
        "kzdata.db",
        "metadata.json",
        "plugins",
        "templates",
    ]
    return out / "datasette"


def test_metadata_describes_every_table_and_column(site: Path) -> None:
    meta = json.loads((site / "metadata.json").read_text(encoding="utf-8"))
    assert meta == json.loads(json.dumps(metadata()))
    assert meta["license"] == "CC-BY-4.0"
    assert "cornell-2024" in meta["description_html"] and "crs-2022" in meta["description_html"]
    assert "[Data set]" in meta["description_html"]  # the citation
    tables = meta["databases"]["kzdata"]["tables"]
    for table in oracle.RAW_TABLES:
        assert set(oracle.header(table)) <= set(tables[table]["columns"]), table
        assert all(tables[table]["columns"].values())
    assert tables["sentences"]["columns"]["person_id"] == "The person who was convicted."
    assert tables["events"]["facets"] == EVENT_FACETS
    assert tables["sections"]["label_column"] == "heading"
    assert tables["events"]["sort"] == "date_start"
    assert set(meta["databases"]["kzdata"]["queries"]) == {
        "january_2022_timeline",
        "sentences_with_names",
        "indicator_targets",
    }


@pytest.mark.slow  # datasette itself, in a fresh interpreter
def test_datasettes_own_cli_serves_the_export(site: Path) -> None:
    """The documented `datasette kzdata.db --metadata metadata.json` works on the exported files."""
    pytest.importorskip("datasette", reason='needs the web extra: pip install "kzdata[web]"')
    path = "/kzdata/sentences_with_names.json?person_id=massimov-karim&_shape=array"
    result = subprocess.run(
        [sys.executable, "-m", "datasette", "kzdata.db", "--metadata", "metadata.json", *SITE_OPTIONS, "--get", path],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=site,
    )
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["name"], row["prison_years"]) == ("Karim Massimov", 18)
    page = subprocess.run(
        [
            sys.executable,
            "-m",
            "datasette",
            "kzdata.db",
            "--metadata",
            "metadata.json",
            *SITE_OPTIONS,
            "--get",
            "/kzdata/people/massimov-karim",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=site,
    )
    assert page.returncode == 0, page.stderr
    assert "<title>Karim Massimov</title>" in page.stdout and "Aftermath and Remaining Questions" in page.stdout


SITE_OPTIONS = ("--template-dir", "templates", "--plugins-dir", "plugins")
"""The options docs/publishing.md gives Datasette's own tools for the exported site."""


EVENT_FACETS = ["date_precision", "date_basis", "category", "status", "place_id", "location_precision"]


def test_facets_and_labels() -> None:
    assert facets(REGISTRY["events"]) == EVENT_FACETS
    assert "kind" in facets(REGISTRY["organizations"])
    assert "source_id" in facets(REGISTRY["indicator_values"])
    assert label_column(REGISTRY["people"]) == "name"
    assert label_column(REGISTRY["places"]) == "name"
    assert label_column(REGISTRY["events"]) == "title"
    assert label_column(REGISTRY["sections"]) == "heading"


def _run(site: Path, query: str, **params: str) -> list[sqlite3.Row]:
    con = sqlite3.connect(site / "kzdata.db")
    con.row_factory = sqlite3.Row
    try:
        return con.execute(QUERIES[query]["sql"], params).fetchall()
    finally:
        con.close()


def test_january_timeline_query(site: Path) -> None:
    """The events of January 2022 that happened (status occurred or reported, docs/events.md)."""
    rows = _run(site, "january_2022_timeline")
    january = [e for e in oracle.rows("events") if e["date_start"] >= "2022-01-01" and e["date_end"] <= "2022-01-31"]
    expected = [e for e in january if e["status"] in ("occurred", "reported")]
    assert "2022-01-abish-reported-detained" in {e["event_id"] for e in january} - {e["event_id"] for e in expected}
    assert len(rows) == len(expected) > 20
    assert {r["status"] for r in rows} == {"occurred", "reported"}
    assert [r["date_start"] for r in rows] == sorted(r["date_start"] for r in rows)
    assert {r["event_id"] for r in rows} == {e["event_id"] for e in expected}


def test_sentences_query_names_people_and_cites_sources(site: Path) -> None:
    everyone = _run(site, "sentences_with_names", person_id="")
    assert len(everyone) == len(oracle.rows("sentences"))
    (massimov,) = _run(site, "sentences_with_names", person_id="massimov-karim")
    assert massimov["name"] == "Karim Massimov"
    assert massimov["prison_years"] == 18
    cited = [
        c
        for c in oracle.rows("citations")
        if c["record_table"] == "sentences" and c["record_id"] == massimov["sentence_id"]
    ]
    assert len(massimov["sources"].split(" | ")) == len(cited) == 4  # the 4th, of his removal, since 0.3.0
    assert "cornell-2024" in massimov["sources"] and "para. 17" in massimov["sources"]


def test_targets_query(site: Path) -> None:
    rows = _run(site, "indicator_targets")
    targets = [v for v in oracle.rows("indicator_values") if v["value_kind"] == "target"]
    with_target = {v["indicator_id"] for v in targets}
    assert sum(r["value_kind"] == "target" for r in rows) == len(targets)
    assert len(rows) == sum(v["indicator_id"] in with_target for v in oracle.rows("indicator_values"))


# --- kzdata serve -------------------------------------------------------------------------------


def start_server(*args: str) -> tuple[subprocess.Popen[str], str]:
    """Start `kzdata serve --port 0` and return the process and the address it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kzdata", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        raise AssertionError(f"kzdata serve printed {line!r}; stderr: {process.communicate(timeout=10)[1]}")
    return process, line[line.index("http://") :].split()[0]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    pytest.importorskip("datasette", reason='kzdata serve needs the web extra: pip install "kzdata[web]"')
    process, url = start_server()
    yield url
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as response:  # the local test server only
        return json.loads(response.read())


@pytest.mark.slow  # a real `kzdata serve` (the module's server)
def test_serve_answers_on_localhost(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")
    protests = get_json(f"{server}kzdata/events.json?category=protest&_shape=array&_size=max")
    assert isinstance(protests, list)
    assert len(protests) == sum(e["category"] == "protest" for e in oracle.rows("events"))
    meta = get_json(f"{server}-/metadata.json")
    assert isinstance(meta, dict) and meta["license"] == "CC-BY-4.0"


@pytest.mark.slow  # a real `kzdata serve` (the module's server)
def test_serve_downloads_csv(server: str) -> None:
    with urllib.request.urlopen(f"{server}kzdata/sentences.csv?_size=max", timeout=30) as response:
        lines = response.read().decode("utf-8").splitlines()
    assert lines[0].startswith("sentence_id,person_id,")
    assert len(lines) == 1 + len(oracle.rows("sentences"))


@pytest.mark.slow  # a real `kzdata serve` (the module's server)
def test_serve_labels_foreign_keys(server: str) -> None:
    page = get_json(f"{server}kzdata/sentences.json?_labels=on&_shape=array")
    assert isinstance(page, list)
    massimov = next(r for r in page if r["sentence_id"] == "massimov-karim-conviction")
    assert massimov["person_id"] == {"value": "massimov-karim", "label": "Karim Massimov"}


@pytest.mark.slow  # starts its own server
def test_serve_stops_cleanly_on_ctrl_c() -> None:
    pytest.importorskip("datasette", reason='kzdata serve needs the web extra: pip install "kzdata[web]"')
    process, url = start_server()
    assert get_json(f"{url}kzdata.json")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_serve_defaults_to_this_machine_only() -> None:
    from kzdata._cli import parser

    args = parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8001)


@pytest.mark.slow  # starts its own server
def test_serve_on_a_busy_port_is_a_usage_error() -> None:
    pytest.importorskip("datasette", reason='kzdata serve needs the web extra: pip install "kzdata[web]"')
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kzdata", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"port {port}" in result.stderr and "--port" in result.stderr and "Traceback" not in result.stderr
    # kzdata's own message alone: uvicorn's line about the same error ("[Errno 98] error while
    # attempting to bind ...") is held back, and the system's reason is kzdata's
    lines = result.stderr.splitlines()
    assert lines[0].startswith("serving the data of ")
    assert lines[1:] == [
        f"kzdata serve: cannot listen on host '127.0.0.1', port {port}: {os.strerror(errno.EADDRINUSE).lower()}; "
        "choose another --port (0 picks a free one) or --host"
    ]


def test_serve_without_datasette_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['datasette'] = None; sys.modules['datasette.app'] = None\n"
        "from kzdata._cli import main; sys.exit(main(['serve', '--port', '0']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ)
    assert result.returncode == 2
    assert 'pip install "kzdata[web]"' in result.stderr


# --------------------------------------------------------------------------- the metadata, against the published files

DESCRIPTOR = json.loads((oracle.REPO / "datapackage.json").read_text(encoding="utf-8"))
LABELS = ("name", "title", "heading", "topic", "claim", "alias")  # docs/publishing.md, in order of preference
FACET_TARGETS = {("places", "place_id"), ("sources", "source_id"), ("indicators", "indicator_id")}
FOREIGN_KEY_OF = {(table, column): (ref, ref_column) for table, column, ref, ref_column in FOREIGN_KEYS}


def test_every_table_is_described_as_the_descriptor_describes_it() -> None:
    """Title, what a row is, every column's description, facets, label and sort column of each table."""
    tables = metadata()["databases"]["kzdata"]["tables"]
    assert list(tables) == [
        *oracle.TABLE_ORDER,
        "_kzdata_tables",
        "_kzdata_columns",
        "_kzdata_meta",
        "_kzdata_records",
        "_kzdata_evidence",
        "search",
    ]
    for resource in DESCRIPTOR["resources"]:
        name, fields = resource["name"], resource["schema"]["fields"]
        (key,) = resource["schema"]["primaryKey"]
        entry = tables[name]
        assert entry["title"] == resource["title"] and entry["description"] == resource["description"], name
        assert entry["columns"] == {f["name"]: f["description"] for f in fields}, name
        expected_facets = [
            f["name"]
            for f in fields
            if f["name"] != key
            and ("enum" in f.get("constraints", {}) or FOREIGN_KEY_OF.get((name, f["name"])) in FACET_TARGETS)
        ]
        assert entry.get("facets") == (expected_facets or None), name
        label = next((c for c in LABELS if c in [f["name"] for f in fields] and c != key), None)
        assert entry.get("label_column") == label, name
        dates = [f["name"] for f in fields if f["type"] == "date"]
        assert entry.get("sort") == (dates[0] if dates else None), name
    assert any("label_column" not in tables[t] for t in oracle.TABLE_ORDER)
    assert any("sort" not in tables[t] for t in oracle.TABLE_ORDER)
    assert tables["_kzdata_columns"]["facets"] == ["table_name", "type"]
    assert "record_table" in tables["_kzdata_columns"]["description"]
    assert all(tables[t]["title"] and tables[t]["description"] for t in ("_kzdata_tables", "_kzdata_meta"))


def test_the_site_says_what_the_release_is_and_how_to_cite_it() -> None:
    meta = metadata()
    documents = [r for r in oracle.rows("sources") if r["kind"] == "primary_document"]
    version, title = DESCRIPTOR["version"], DESCRIPTOR["title"]
    licence = DESCRIPTOR["licenses"][0]
    assert meta["title"] == f"{title} (version {version})"
    assert (meta["license"], meta["license_url"]) == (licence["name"], licence["path"])
    ids = ", ".join(d["source_id"] for d in documents)
    assert meta["source"] == f"{len(documents)} primary documents ({ids}); see the sources table"
    assert meta["source_url"] == "/kzdata/sources?kind=primary_document"
    assert list(meta["databases"]) == ["kzdata"]
    database = meta["databases"]["kzdata"]
    assert (database["title"], database["description"]) == (title, DESCRIPTOR["description"])
    assert (database["license"], database["license_url"]) == (licence["name"], licence["path"])
    assert database["queries"] == QUERIES
    described = meta["description_html"]
    assert described.startswith(f"<p>{html.escape(DESCRIPTOR['description'])}</p>")
    for document in documents:
        assert html.escape(document["title"]) in described, document["source_id"]
    assert described.count("<li>") == len(documents)
    assert f"Fingerprint {DESCRIPTOR['kzdata:fingerprint']}." in described
    assert "<code>_kzdata_columns</code>" in described


@pytest.mark.slow
def test_write_site_writes_the_database_and_readable_metadata(tmp_path: Path) -> None:
    """kzdata.db and metadata.json, in that order, then the templates and the plugin; the JSON indented by two."""
    written = write_site(tmp_path)
    assert written[:2] == [tmp_path / "kzdata.db", tmp_path / "metadata.json"]
    templates = sorted(p.name for p in (oracle.REPO / "kzdata" / "_site" / "templates").glob("*.html"))
    assert written[2:] == [
        *(tmp_path / "templates" / name for name in templates),
        tmp_path / "plugins" / "kzdata_site.py",
    ]
    for name in templates:
        source = (oracle.REPO / "kzdata" / "_site" / "templates" / name).read_bytes()
        assert (tmp_path / "templates" / name).read_bytes() == source
    plugin = (oracle.REPO / "kzdata" / "_site" / "plugin.py").read_bytes()
    assert (tmp_path / "plugins" / "kzdata_site.py").read_bytes() == plugin
    text = (tmp_path / "metadata.json").read_text(encoding="utf-8")
    assert text.startswith('{\n  "title": ') and text.endswith("\n}\n")
    assert json.loads(text)["source_url"] == "/kzdata/sources?kind=primary_document"
    con = sqlite3.connect(tmp_path / "kzdata.db")
    assert con.execute("select count(*) from events").fetchone()[0] == len(oracle.rows("events"))
    con.close()


def test_the_dictionary_tables_and_the_home_page_say_what_they_hold() -> None:
    """The words a visitor reads: the three dictionary tables' titles and descriptions, and the home page's notes."""
    meta = metadata()
    tables = meta["databases"]["kzdata"]["tables"]
    assert tables["_kzdata_tables"] == {
        "title": "Data dictionary: tables",
        "description": "One row per kzdata table.",
        "hidden": True,
    }
    assert tables["_kzdata_meta"] == {
        "title": "About this release",
        "description": "Version, licence and citation.",
        "hidden": True,
    }
    assert tables["_kzdata_columns"]["hidden"] is True
    columns = tables["_kzdata_columns"]
    assert columns["title"] == "Data dictionary: columns"
    assert columns["description"].startswith("One row per column of every kzdata table. record_table + record_id")
    page = meta["description_html"]
    assert page.count("</li><li>") == 1, "the two primary documents are consecutive items of one list"
    assert page.endswith(
        "<p>Each record is supported by at least one row of <code>citations</code> (document, section, "
        "paragraph, footnote). The data dictionary is in the tables <code>_kzdata_tables</code> and "
        "<code>_kzdata_columns</code>. Read the dataset card's notes on responsible use before publishing: "
        "a sentence records a conviction as reported; an event naming a suspect records an allegation.</p>"
    )
