"""A journalist's path through `kzdata serve` in a real headless Chromium.

Open the events table, filter it by a facet, open a person and follow them to their
sentence and its sources, run a canned query. Skipped with the reason when Chromium,
chromedriver, Selenium or Datasette are missing locally; ``.ci/run`` installs them all
and sets ``KZDATA_REQUIRE_BROWSER=1``, which turns that skip into a failure.

``KZDATA_SCREENSHOTS=1`` also writes the README's screenshot,
``docs/figures/datasette-events.png``.
"""

from __future__ import annotations

import importlib.util
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
SCREENSHOT = REPO / "docs" / "figures" / "datasette-events.png"


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


def test_a_journalists_path(browser: Any, site: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    # 1. The events table, with its description from the registry and its facets.
    browser.get(f"{site}kzdata/events")
    assert "Events" in browser.find_element(By.TAG_NAME, "h1").text
    assert "One dated or datable happening" in browser.page_source
    assert f"{len(oracle.rows('events'))} rows" in browser.find_element(By.TAG_NAME, "h3").text

    # 2. Filter by a facet: click "protest" under category.
    facet = browser.find_element(By.CSS_SELECTOR, "div[data-column='category']")
    facet.find_element(By.LINK_TEXT, "protest").click()
    assert "category=protest" in browser.current_url
    protests = sum(e["category"] == "protest" for e in oracle.rows("events"))
    assert browser.find_element(By.TAG_NAME, "h3").text.startswith(f"{protests} row")
    browser.execute_script("document.querySelector('h3').scrollIntoView()")  # the rows, not the column notes
    shot = tmp_path / "datasette-events.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("KZDATA_SCREENSHOTS") == "1":
        shutil.copyfile(shot, SCREENSHOT)

    # 3. A person, then their sentence (the foreign key shows the name, not the slug).
    browser.get(f"{site}kzdata/people/massimov-karim")
    assert "Karim Massimov" in browser.page_source
    browser.find_element(By.CSS_SELECTOR, "a[href$='/kzdata/sentences?person_id=massimov-karim']").click()
    table = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns").text
    assert "Karim Massimov" in table and "18" in table

    # 4. The canned query shows the sentence with the passages that report it.
    browser.get(f"{site}kzdata")
    browser.find_element(By.LINK_TEXT, "Court sentences with names and sources").click()
    field = browser.find_element(By.NAME, "person_id")
    field.send_keys("massimov-karim")
    browser.find_element(By.CSS_SELECTOR, "form.sql input[type='submit']").click()
    result = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns").text
    assert "Karim Massimov" in result and "high treason" in result
    assert "cornell-2024, Aftermath and Remaining Questions, para. 3" in result

    # 5. Another canned query: the January 2022 timeline, every row of it.
    browser.get(f"{site}kzdata")
    browser.find_element(By.LINK_TEXT, "The January 2022 timeline").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    january = [e for e in oracle.rows("events") if e["date_start"] >= "2022-01-01" and e["date_end"] <= "2022-01-31"]
    assert len(rows) == len(january)
