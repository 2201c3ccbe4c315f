"""The analyst's view in a real headless browser: Debian's chromium driven by playwright (no browser download)
against `dagster dev` on an instance where rag_eval_report has been materialized."""

import shutil
from pathlib import Path

import dagster as dg
import pytest
import rag_world
from dagster_dev import PROJECT, dagster_dev

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium: `make test` installs it with apt-get as root"
)


@pytest.fixture(scope="module")
def ui(rag_env, tmp_path_factory):
    _, res = rag_env
    home = tmp_path_factory.mktemp("ui-browser")
    (home / "dagster").mkdir()
    shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster" / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(home / "dagster"))
    assert rag_world.evaluate(res, instance=instance).success  # answers come from the session's completion cache
    instance.dispose()
    with dagster_dev(home, home / "dagster", MIRACLE_INDEX_MODELS=rag_world.MODEL) as base:
        yield base


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        # Dagster asks a fresh browser profile to join its community once: dismiss it whenever it shows up.
        page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda button: button.click())
        yield page
        browser.close()


def test_eval_report_graph_metadata_table_and_chart_in_the_browser(ui, page, tmp_path):
    from playwright.sync_api import expect

    page.goto(f"{ui}/locations/miracle/asset-groups/evaluation")
    expect(page.get_by_text("rag_eval_report").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("evaluation", exact=True).first).to_be_visible()
    page.goto(f"{ui}/assets/{'/'.join(rag_world.REPORT.key.path)}?view=events")
    table = page.get_by_role("row").filter(has_text="patient_centred")
    expect(table.get_by_text("context_precision").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("BERTScore").or_(page.get_by_text("layer 9")).first).to_be_visible()
    page.get_by_role("row").filter(has_text="metrics_chart").get_by_text("[Show Markdown]").click()
    chart = page.locator('img[src^="data:image/png"]')
    expect(chart).to_be_visible(timeout=20_000)
    assert chart.bounding_box()["width"] > 100
    shot = tmp_path / "rag_eval_report.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
