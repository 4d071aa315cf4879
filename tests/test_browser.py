"""A journalist's path through `kzdata serve` in a real headless Chromium.

Open the events table, filter it by a facet, open a person and follow them to their
sentence and its sources, run a canned query. Skipped with the reason when Chromium,
chromedriver, Selenium or Datasette are missing locally; ``.ci/run`` installs them all
and sets ``KZDATA_REQUIRE_BROWSER=1``, which turns that skip into a failure.

A second path is the reader's (issue 21): the landing page, a person's page titled by
their name with their sources, and a search for them.

``KZDATA_SCREENSHOTS=1`` also writes the README's screenshots into ``docs/figures/``:
``datasette-events.png``, ``site-landing.png``, ``site-person.png`` and ``site-search.png``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import oracle
from tests.conftest import REPO
from tests.test_publish_site import start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FIGURES = REPO / "docs" / "figures"
SCREENSHOT = FIGURES / "datasette-events.png"

pytestmark = pytest.mark.slow  # a real Chromium and a real server: seconds, not milliseconds


def _missing() -> list[str]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    missing += [m for m in ("selenium", "datasette") if importlib.util.find_spec(m) is None]
    return missing


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    missing = _missing()
    if missing:
        reason = f"the browser test needs {', '.join(missing)} (apt-get install chromium chromium-driver; "
        reason += 'pip install -e ".[test]")'
        if os.environ.get("KZDATA_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1400",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def site(browser: Any) -> Iterator[str]:
    process, url = start_server()
    try:
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0


#: How long a page may take to appear (generous: CI machines are slow and shared).
WAIT_SECONDS = 30


def _wait(browser: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, WAIT_SECONDS)


def _open(browser: Any, url: str, ready: tuple[str, str]) -> None:
    """Load ``url`` and wait until the new page shows the element ``ready`` (a By locator)."""
    from selenium.webdriver.support import expected_conditions as ec

    browser.get(url)
    _wait(browser).until(ec.url_to_be(url))
    _wait(browser).until(ec.presence_of_element_located(ready))


def _follow(browser: Any, link: Any, url_part: str, ready: tuple[str, str]) -> None:
    """Click ``link`` (a link or a submit button), then wait for the page it opens.

    A click does not wait for the navigation it starts: until the old document is gone,
    a lookup may find the old page's element, which goes stale as it is read. So wait
    for the old document to go, for the new address, and for the element ``ready``.
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    old_page = browser.find_element(By.TAG_NAME, "html")
    link.click()
    _wait(browser).until(ec.staleness_of(old_page))
    _wait(browser).until(ec.url_contains(url_part))
    _wait(browser).until(ec.presence_of_element_located(ready))


def _text(browser: Any, locator: tuple[str, str]) -> str:
    """The text of the element at ``locator``, once it is visible on the current page."""
    from selenium.webdriver.support import expected_conditions as ec

    return str(_wait(browser).until(ec.visibility_of_element_located(locator)).text)


def test_a_journalists_path(browser: Any, site: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    heading = (By.TAG_NAME, "h1")
    count = (By.TAG_NAME, "h3")
    results = (By.CSS_SELECTOR, "table.rows-and-columns")

    # 1. The events table, with its description from the registry and its facets.
    _open(browser, f"{site}kzdata/events", count)
    assert "Events" in _text(browser, heading)
    assert "One dated or datable happening" in browser.page_source
    assert f"{len(oracle.rows('events'))} rows" in _text(browser, count)

    # 2. Filter by a facet: click "protest" under category.
    facet = _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "div[data-column='category']")))
    _follow(browser, facet.find_element(By.LINK_TEXT, "protest"), "category=protest", count)
    protests = sum(e["category"] == "protest" for e in oracle.rows("events"))
    assert _text(browser, count).startswith(f"{protests} row")
    browser.execute_script("document.querySelector('h3').scrollIntoView()")  # the rows, not the column notes
    shot = tmp_path / "datasette-events.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("KZDATA_SCREENSHOTS") == "1":
        shutil.copyfile(shot, SCREENSHOT)

    # 3. A person, then their sentence (the foreign key shows the name, not the slug).
    _open(browser, f"{site}kzdata/people/massimov-karim", heading)
    assert "Karim Massimov" in browser.page_source
    sentences = (By.CSS_SELECTOR, "a[href$='/kzdata/sentences?person_id=massimov-karim']")
    link = _wait(browser).until(ec.element_to_be_clickable(sentences))
    _follow(browser, link, "/kzdata/sentences?person_id=massimov-karim", results)
    table = _text(browser, results)
    assert "Karim Massimov" in table and "18" in table

    # 4. The canned query shows the sentence with the passages that report it.
    _open(browser, f"{site}kzdata", heading)
    query = _wait(browser).until(ec.element_to_be_clickable((By.LINK_TEXT, "Court sentences with names and sources")))
    _follow(browser, query, "/kzdata/sentences_with_names", (By.NAME, "person_id"))
    _wait(browser).until(ec.element_to_be_clickable((By.NAME, "person_id"))).send_keys("massimov-karim")
    submit = _wait(browser).until(ec.element_to_be_clickable((By.CSS_SELECTOR, "form.sql input[type='submit']")))
    _follow(browser, submit, "person_id=massimov-karim", results)
    result = _text(browser, results)
    assert "Karim Massimov" in result and "high treason" in result
    assert "cornell-2024, Aftermath and Remaining Questions, para. 3" in result

    # 5. Another canned query: the January 2022 timeline, every row of it.
    _open(browser, f"{site}kzdata", heading)
    timeline = _wait(browser).until(ec.element_to_be_clickable((By.LINK_TEXT, "The January 2022 timeline")))
    _follow(browser, timeline, "/kzdata/january_2022_timeline", results)
    rows = _wait(browser).until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, "table.rows-and-columns tbody tr"))
    )
    january = [
        e
        for e in oracle.rows("events")
        if e["date_start"] >= "2022-01-01" and e["date_end"] <= "2022-01-31" and e["status"] in ("occurred", "reported")
    ]
    assert january, "the oracle finds January 2022 events"
    assert len(rows) == len(january)


def _screenshot(browser: Any, tmp_path: Path, name: str) -> None:
    """Save the window as ``name`` (and, with ``KZDATA_SCREENSHOTS=1``, into docs/figures/ for the README)."""
    shot = tmp_path / name
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("KZDATA_SCREENSHOTS") == "1":
        shutil.copyfile(shot, FIGURES / name)


def test_a_reader_finds_a_person_and_the_sources_behind_them(browser: Any, site: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    heading = (By.TAG_NAME, "h1")
    browser.set_window_size(1280, 1100)
    try:
        # 1. The landing page: what the dataset is, where to start (the main tables first), a search box.
        _open(browser, site, (By.ID, "kz-q"))
        assert _text(browser, heading) == DESCRIPTOR_TITLE
        starts = browser.find_elements(By.CSS_SELECTOR, "ul.kz-main > li > a")
        assert [a.text for a in starts][:3] == ["Events", "People", "Court sentences"]
        assert "_kzdata" not in _text(browser, (By.CSS_SELECTOR, "ul.kz-main"))
        _screenshot(browser, tmp_path, "site-landing.png")

        # 2. Search "Massimov" from the landing page, and find him.
        box = _wait(browser).until(ec.element_to_be_clickable((By.ID, "kz-q")))
        box.send_keys("Massimov")
        submit = browser.find_element(By.CSS_SELECTOR, "form.kz-search input[type='submit']")
        _follow(browser, submit, "_search=Massimov", (By.CSS_SELECTOR, "ol.kz-results"))
        results = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "a.kz-result")]
        assert "Karim Massimov" in results
        _screenshot(browser, tmp_path, "site-search.png")

        # 3. His page: his name is the page's title, and his sources are listed with their pinpoints.
        link = browser.find_element(By.LINK_TEXT, "Karim Massimov")
        _follow(browser, link, "/kzdata/people/massimov-karim", (By.CSS_SELECTOR, "ol.kz-sources"))
        assert browser.title == "Karim Massimov"
        assert _text(browser, heading) == "Karim Massimov"
        listed = [li.text.splitlines()[0] for li in browser.find_elements(By.CSS_SELECTOR, "ol.kz-sources > li")]
        titles = {s["source_id"]: s["title"] for s in oracle.rows("sources")}
        headings = {s["section_id"]: s["heading"] for s in oracle.rows("sections")}
        expected = [
            f"{titles[c['source_id']]}, {headings[c['section_id']]}, paragraph {c['paragraph']}"
            + (f", footnote {c['footnote']}" if c["footnote"] else "")
            for c in oracle.rows("citations")
            if c["record_table"] == "people" and c["record_id"] == "massimov-karim"
        ]
        assert listed == expected and len(listed) == 6  # six citations: a hand count
        citation = browser.find_element(By.ID, "kz-record-citation").get_attribute("value")
        assert citation.startswith("Karim Massimov (kzdata record people/massimov-karim).")
        _screenshot(browser, tmp_path, "site-person.png")
    finally:
        browser.set_window_size(1280, 1400)


DESCRIPTOR_TITLE = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["title"]
"""The dataset's title, which the landing page's heading shows."""
