"""The sales console in a real browser: the real sales server (`python -m bot.leads serve`) on a
temporary SQLite database seeded with four leads and a Rasa-shaped tracker store, driven in headless
Chromium (Debian's package) by Playwright. Needs no Rasa server. Screenshots go to
test-artifacts/screenshots/."""
from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import create_engine

from bot.leads import migrate
from bot.leads.store import LeadStore
from scripts.common import ROOT, env
from scripts.servers import free_port
from tests.bot.leads.test_server import make_tracker, seed_leads

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "test-artifacts" / "screenshots"
TOKEN = "console-e2e-token"


@pytest.fixture(scope="module")
def sales_server(tmp_path_factory):
    """The sales server on a free loopback port: (its URL, the seeded leads' public ids)."""
    state = tmp_path_factory.mktemp("sales-state")
    database = f"sqlite:///{state / 'bussola.db'}"
    engine = create_engine(database, future=True)
    migrate.upgrade(engine)
    ids = seed_leads(LeadStore(engine))
    engine.dispose()
    port = free_port()
    log = open(state / "sales-server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.leads", "serve", "--port", str(port)], cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT,
        env=env(BUSSOLA_SALES_TOKEN=TOKEN, BUSSOLA_DATABASE_URL=database, BUSSOLA_STATE_DIR=str(state),
                BUSSOLA_TRACKER_URL=make_tracker(state / "tracker.db"), BUSSOLA_SALES_WEBHOOK_URL=""))
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(url + "/health", timeout=1):
                    break
            except OSError:
                assert process.poll() is None, (state / "sales-server.log").read_text()
                time.sleep(0.2)
        else:
            pytest.fail("the sales server did not start: " + (state / "sales-server.log").read_text())
        yield url, ids
    finally:
        process.terminate()
        returncode = process.wait(10)  # a prompt, clean stop: the background tasks end on shutdown
        log.close()
        assert returncode == 0, (state / "sales-server.log").read_text()


@pytest.fixture
def page(browser, sales_server):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.errors = []  # console errors, CSP violations among them
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.goto(sales_server[0] + "/console/")
    yield page
    context.close()


def sign_in(page, token: str = TOKEN) -> None:
    page.get_by_label("Token di accesso del team vendite").fill(token)
    page.get_by_role("button", name="Entra").click()


def lead_rows(page):
    return page.locator("#leads tbody tr[data-id]")


def test_a_wrong_token_is_refused_in_italian(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, "non-è-il-token")
    error = page.locator("#login-error")
    error.filter(has_text="Token non valido").wait_for(timeout=10000)
    assert "Controlla il token e riprova" in error.inner_text()
    assert page.locator("#app").is_hidden()
    assert page.evaluate("sessionStorage.getItem('bussola-sales:token')") is None
    page.screenshot(path=str(SHOTS / "sales-1-wrong-token.png"))


def test_the_sales_team_works_a_lead(page, sales_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    url, ids = sales_server
    sign_in(page)
    # the charts come first; the conversation only begun (and left before the plan) is hidden by default
    assert page.evaluate("""() => document.querySelector('#charts-title').compareDocumentPosition(
        document.querySelector('#leads')) & Node.DOCUMENT_POSITION_FOLLOWING""")
    page.get_by_text("3 lead.").wait_for(timeout=10000)
    assert lead_rows(page).count() == 3
    page.get_by_label("Mostra anche le conversazioni iniziate").check()
    page.get_by_role("button", name="Applica i filtri").click()
    page.get_by_text("4 lead.").wait_for(timeout=10000)
    assert lead_rows(page).count() == 4
    assert "Lead 1–4 di 4 · pagina 1 di 1" in page.locator("#page-info").inner_text()
    assert page.locator("#page-next").is_disabled() and page.locator("#page-prev").is_disabled()
    assert "Telegram" in page.locator("#leads tbody").inner_text() and "rest" not in page.locator("#leads tbody").inner_text()
    names = page.locator("#leads tbody button").all_inner_texts()
    assert "Anna Verdi · Studio Verdi" in names
    assert '=HYPERLINK("http://evil.example") · @Rischio Srl' in names  # shown as text, never run
    page.locator("#funnel-chart svg rect").first.wait_for(timeout=10000)
    page.locator("#grades-chart svg rect").first.wait_for(timeout=10000)
    page.screenshot(path=str(SHOTS / "sales-2-leads.png"), full_page=True)

    page.get_by_label("Valutazione").select_option("A")
    page.get_by_role("button", name="Applica i filtri").click()
    page.get_by_text("1 lead.").wait_for(timeout=10000)
    assert lead_rows(page).count() == 1

    page.get_by_role("button", name="Anna Verdi · Studio Verdi").click()
    detail = page.locator("#detail")
    detail.get_by_text("Affinità 85/100").wait_for(timeout=10000)
    assert page.locator("#detail-title").inner_text().startswith("Anna Verdi, Studio Verdi — professionista")
    text = detail.inner_text()
    for expected in ("anna@example.it", "LinkedIn (94/100)", "Essere ricontattato: sì", "Chiede un contatto"):
        assert expected in text
    transcript = detail.locator(".transcript li")
    assert transcript.count() == 3
    assert "Ciao! Per cominciare: chi sei?" in transcript.nth(1).inner_text()
    assert "<b>un avvocato</b>" in transcript.nth(2).inner_text() and detail.locator(".transcript b").count() == 0
    page.screenshot(path=str(SHOTS / "sales-3-lead.png"), full_page=True)

    page.get_by_label("Nuovo stato").select_option("contacted")
    page.get_by_label("Nota (facoltativa)").fill("Chiamata fissata per giovedì")
    page.get_by_label("Firma (facoltativa)").fill("Marco")
    page.get_by_role("button", name="Cambia stato").click()
    page.get_by_text("Stato aggiornato: Contattato.").wait_for(timeout=10000)
    last_change = page.locator("#detail table.history tbody tr").last.inner_text()
    assert "Contattato" in last_change and "Marco" in last_change and "giovedì" in last_change
    assert "Contattato" in lead_rows(page).first.inner_text()
    page.screenshot(path=str(SHOTS / "sales-4-status-changed.png"), full_page=True)

    # the token stays for the tab, and the lead's address opens it again
    page.reload()
    page.locator("#detail-title").filter(has_text="Anna Verdi").wait_for(timeout=10000)
    assert page.url.endswith(f"#lead={ids['anna']}")
    assert page.errors == []


def test_charts_are_accessible_svg_with_a_data_table(page):
    sign_in(page)
    funnel = page.locator("#funnel-chart svg")
    funnel.locator("rect").first.wait_for(timeout=10000)
    assert funnel.get_attribute("role") == "img"
    assert funnel.locator("title").first.text_content() == "Lead per fase dell'intervista"
    assert "Iniziata: 4 (100%)" in funnel.locator("desc").text_content()
    assert funnel.locator("rect").count() == 5
    page.locator("#funnel-chart summary").click()
    assert page.locator("#funnel-chart table tbody tr").count() == 5

    grades = page.locator("#grades-chart svg")
    grades.locator("rect").first.wait_for(timeout=10000)
    assert grades.get_attribute("aria-labelledby") == "grades-chart-title grades-chart-desc"
    assert "A 1, B 1, C 1" in grades.locator("desc").text_content()
    assert {grades.locator(f"rect.bar-{g}").count() for g in "ABC"} == {1}
    page.locator("#grades-chart").screenshot(path=str(SHOTS / "sales-5-grades-chart.png"))
    assert page.errors == []


def test_the_csv_download(page):
    sign_in(page)
    page.get_by_label("Mostra anche le conversazioni iniziate").check()
    page.get_by_role("button", name="Applica i filtri").click()
    page.get_by_text("4 lead.").wait_for(timeout=10000)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Scarica CSV").click()
    download = download_info.value
    assert re.fullmatch(r"bussola-leads-\d{8}\.csv", download.suggested_filename)
    content = open(download.path(), encoding="utf-8").read()
    assert content.startswith("\"public_id\",\"created_at\",") and content.count("\n") == 5
    assert "'=HYPERLINK" in content


def test_axe_finds_no_serious_violation_in_the_console(page):
    from tests.e2e.test_widget import serious_violations

    assert serious_violations(page, "body") == []  # the sign-in form
    sign_in(page)
    lead_rows(page).first.wait_for(timeout=10000)
    assert serious_violations(page, "body") == []  # the leads, the charts, the filters


def test_the_date_filters_are_said_in_italian_whatever_the_browsers_language(browser, sales_server):
    # an English browser shows its date inputs as mm/dd/yyyy: the chosen period is also said in words
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(sales_server[0] + "/console/")
        sign_in(page)
        page.get_by_text("3 lead.").wait_for(timeout=10000)
        page.get_by_label("Dal").fill("2020-01-01")
        page.get_by_label("Al", exact=True).fill("2099-12-31")
        page.get_by_role("button", name="Applica i filtri").click()
        page.get_by_text("3 lead dal 1 gennaio 2020 al 31 dicembre 2099.").wait_for(timeout=10000)
        assert "di 3 dal 1 gennaio 2020 al 31 dicembre 2099 · pagina 1 di 1" in page.locator("#page-info").inner_text()
    finally:
        context.close()
