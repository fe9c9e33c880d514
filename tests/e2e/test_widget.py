"""The chat widget in a real browser: headless Chromium (Debian's package) driven by Playwright,
on the demo page served by the project, against the real servers. Screenshots go to
test-artifacts/screenshots/."""
from __future__ import annotations

import json

import pytest

from scripts.benchmark import BUSSOLA_SCRIPT, RECOMMENDATION_TURN
from scripts.common import ROOT
from tests.e2e.conftest import SALES_MODE_CODE

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "test-artifacts" / "screenshots"


# Every widget behaviour is tried on a phone and on a desktop (issue 17).
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1100, "height": 800}}


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request, browser, servers):
    context = browser.new_context(locale="it-IT", viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.goto(servers.demo_url)
    yield page
    context.close()


def open_widget(page):
    page.get_by_role("button", name="Chatta con Bussola").click()
    page.locator(".bw-log").wait_for()


def said(bubble) -> str:
    """A bubble's message, without its speaker label for screen readers ("Bussola: ") and its time."""
    return bubble.locator(".bw-text").text_content()


def last_bot_text(page) -> str:
    return said(page.locator(".bw-bot").last)


def wait_for_reply(page, count_before: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('.bw-bot, .bw-plan').length > n", arg=count_before,
                           timeout=30000)
    page.wait_for_function("() => !document.querySelector('.bw-send').disabled", timeout=30000)


def bot_count(page) -> int:
    return page.locator(".bw-bot, .bw-plan").count()


def test_a_visitor_completes_the_interview_sees_the_plan_and_finds_it_after_a_reload(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    page.screenshot(path=str(SHOTS / "1-opened.png"))
    for message in BUSSOLA_SCRIPT[1:-1]:  # the greeting was sent when the widget opened
        before = bot_count(page)
        if message.startswith("/"):  # a quick reply: press the button that carries it
            page.locator(f".bw-buttons button[data-payload='{message}']:not([disabled])").first.click()
        else:
            page.get_by_label("Scrivi un messaggio a Bussola").fill(message)
            page.keyboard.press("Enter")
        wait_for_reply(page, before)
    card = page.locator(".bw-plan")
    card.wait_for(timeout=30000)
    assert "Il tuo piano" in card.inner_text() and "Prime settimane" in card.inner_text()
    assert card.locator("li").count() >= 2
    page.screenshot(path=str(SHOTS / "2-plan.png"), full_page=True)

    page.reload()
    page.locator(".bw-plan").wait_for(timeout=10000)  # the panel was open: it opens again
    assert page.locator(".bw-plan li").count() == card.locator("li").count()
    before = bot_count(page)
    page.get_by_label("Scrivi un messaggio a Bussola").fill("perché non LinkedIn?")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    # the same conversation goes on: the question is answered, then the consent is asked again
    replies = page.locator(".bw-bot").all_inner_texts()[-2:]
    assert "LinkedIn" in replies[0] and "Posso conservare il tuo profilo" in replies[1]
    page.screenshot(path=str(SHOTS / "3-after-reload.png"))


def send(page, text: str) -> None:
    before = bot_count(page)
    page.get_by_label("Scrivi un messaggio a Bussola").fill(text)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)


def press(page, payload: str) -> None:
    before = bot_count(page)
    page.locator(f".bw-buttons button[data-payload='{payload}']:not([disabled])").last.click()
    wait_for_reply(page, before)


def test_what_a_first_message_tells_is_said_back_at_its_question(page):
    """Who the user is and who the customers are, read from a first message, are asked back with
    buttons, not stored unseen (issue 14): what the visitor reads, on a phone and on a desktop."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = "phone" if page.viewport_size["width"] < 600 else "desktop"
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    send(page, "Ho una trattoria a Bologna e lavoriamo soprattutto con le aziende per i pranzi di lavoro")
    # it answers "chi sei?" (a business: kept, and said), and its sector is asked back
    assert "Ho capito: azienda o PMI" in said(page.locator(".bw-bot").nth(-2))
    assert "Da quello che mi hai scritto direi il settore «ristorazione». È così?" in last_bot_text(page)
    assert page.locator(".bw-buttons button:not([disabled])").all_inner_texts()[-2:] == ["Sì, è così", "No"]
    page.screenshot(path=str(SHOTS / f"identity-guess-{size}.png"))
    press(page, "/affirm")
    assert "Raccontami in una frase" in last_bot_text(page)
    send(page, "cucina bolognese di casa, pranzi veloci a mezzogiorno e cene su prenotazione")
    assert "Da quello che mi hai scritto, vendi ad aziende (B2B). È così?" in last_bot_text(page)
    page.screenshot(path=str(SHOTS / f"segment-said-back-{size}.png"))
    press(page, '/inform{"segment":"entrambi"}')
    # next: the markets, with the place of the first message offered
    assert "Mi hai detto Bologna" in last_bot_text(page)


def test_accessibility_attributes_and_keyboard(page):
    launcher = page.get_by_role("button", name="Chatta con Bussola")
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.focus()
    page.keyboard.press("Enter")
    log = page.locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite"
    assert page.locator("[role=dialog]").get_attribute("aria-label") == "Chat con Bussola"
    assert page.evaluate("document.activeElement.id") == "bw-input"  # focus moves into the chat
    # the launcher's name is what it shows; each bubble says who speaks to a screen reader
    assert page.locator(".bw-launcher").inner_text() == "Chiudi la chat"
    assert page.locator(".bw-launcher").get_attribute("aria-expanded") == "true"
    page.locator(".bw-bot .bw-sr").first.wait_for(timeout=30000)
    assert page.locator(".bw-bot .bw-sr").first.text_content() == "Bussola: "
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    quick = page.locator(".bw-buttons button")
    assert quick.count() >= 4 and all(quick.nth(i).inner_text().strip() for i in range(quick.count()))
    quick.first.focus()
    before = bot_count(page)
    page.keyboard.press("Enter")  # a quick reply works from the keyboard
    wait_for_reply(page, before)
    page.keyboard.press("Escape")  # closes, focus back on the launcher
    assert page.evaluate("document.activeElement.classList.contains('bw-launcher')")
    assert page.get_by_role("button", name="Chatta con Bussola").get_attribute("aria-expanded") == "false"


def test_script_sent_by_a_user_is_shown_as_text(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    scripts_before = page.evaluate("document.scripts.length")
    payload = "<script>alert('bussola')</script><img src=x onerror=alert(1)>"
    before = bot_count(page)
    page.get_by_label("Scrivi un messaggio a Bussola").fill(payload)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert said(page.locator(".bw-user").last) == payload
    assert page.locator(".bw-log img").count() == 0 and page.evaluate("document.scripts.length") == scripts_before
    assert dialogs == []
    assert "codice" in " ".join(page.locator(".bw-bot").all_inner_texts())


def test_ricomincia_starts_over(page):
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    before = bot_count(page)
    page.locator(".bw-buttons button[data-payload='/inform{\"org_kind\":\"startup\"}']").click()
    wait_for_reply(page, before)
    restart = page.get_by_role("button", name="Ricomincia la conversazione da capo")
    restart.click()  # asks first; "No" keeps everything
    page.get_by_role("button", name="No, continua").click()
    assert page.locator(".bw-user").count() == 1 and page.locator(".bw-confirm").count() == 0
    restart.click()
    page.get_by_role("button", name="Sì, ricomincia").click()
    page.wait_for_function("() => document.querySelectorAll('.bw-user').length === 0")
    page.get_by_text("chi sei?").first.wait_for(timeout=30000)
    assert page.locator(".bw-bot").count() >= 1


def test_continua_su_telegram_gives_a_link(page):
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    before = bot_count(page)
    page.get_by_role("button", name="Continua la conversazione su Telegram").click()
    wait_for_reply(page, before)
    link = page.locator("a.bw-link")
    link.wait_for(timeout=10000)
    assert link.get_attribute("href").startswith("https://t.me/BussolaTestBot?start=")
    assert link.get_attribute("rel") == "noopener noreferrer"


def test_sales_mode_from_the_page_address(page, servers):
    page.goto(servers.demo_url + f"#bussola=vendite&codice={SALES_MODE_CODE}&venditore=Giulia")
    page.reload()  # the fixture opened the same page: a new fragment alone does not load it again
    open_widget(page)
    page.get_by_text("Modalità vendite attiva per Giulia").wait_for(timeout=30000)
    page.get_by_text("Che tipo di realtà è?").wait_for(timeout=30000)
    before = bot_count(page)
    page.locator(".bw-buttons button[data-payload='/inform{\"org_kind\":\"azienda\"}']").first.click()
    wait_for_reply(page, before)
    assert "In che settore lavora il cliente?" in last_bot_text(page)
    assert SALES_MODE_CODE not in page.url  # read from after "#", then taken out of the address
    page.screenshot(path=str(SHOTS / "5-sales-mode.png"))


def test_the_sales_code_is_not_read_from_the_query_string(page, servers):
    """A query string is sent to servers, logged and passed on as a referrer: the code must not travel there."""
    page.goto(servers.demo_url + f"?bussola=vendite&codice={SALES_MODE_CODE}")
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)  # an ordinary visit
    assert page.get_by_text("Modalità vendite attiva").count() == 0


def test_a_refusal_from_the_balancer_is_shown_in_italian(page):
    """nginx answers 429 with an Italian JSON body (deploy/nginx.conf.template): the widget shows
    that message, as text, instead of a generic error; without a body, the generic one."""
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    refusal = "Stai inviando troppi messaggi in poco tempo: aspetta qualche secondo e riprova."
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(
        status=429, content_type="application/json",
        body=json.dumps({"error": "troppe_richieste", "message": refusal})))
    before = bot_count(page)
    page.get_by_label("Scrivi un messaggio a Bussola").fill("ristorazione")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert last_bot_text(page) == refusal
    page.unroute("**/webhooks/rest/webhook")
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(status=502, body="<html>bad gateway</html>"))
    before = bot_count(page)
    page.get_by_label("Scrivi un messaggio a Bussola").fill("ristorazione")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert last_bot_text(page).startswith("Non riesco a raggiungere Bussola")


def test_an_erasure_clears_the_browsers_copy_and_starts_a_new_session(page):
    """After "cancella i miei dati" nothing of the conversation stays in localStorage (issue 16)."""
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    storage = "() => JSON.stringify(Object.assign({}, window.localStorage))"
    before = bot_count(page)
    page.locator(".bw-input").fill("sono una fotografa, scrivetemi a giulia.cancella@example.it")
    page.locator(".bw-send").click()
    wait_for_reply(page, before)
    kept = json.loads(page.evaluate(storage))
    assert "giulia.cancella@example.it" in json.dumps(kept)
    old_sender = next(v for k, v in kept.items() if k.endswith(":sender"))

    before = bot_count(page)
    page.locator(".bw-input").fill("cancella i miei dati")
    page.locator(".bw-send").click()
    page.get_by_text("ho cancellato i tuoi dati").wait_for(timeout=30000)
    after = json.loads(page.evaluate(storage))
    assert "giulia.cancella" not in json.dumps(after), after
    assert next(v for k, v in after.items() if k.endswith(":sender")) != old_sender  # a new session
    page.reload()  # the panel was open: it opens again, with nothing of the erased conversation
    page.locator(".bw-log").wait_for()
    assert "giulia.cancella" not in page.locator(".bw-log").inner_text()
    page.screenshot(path=str(SHOTS / "widget-after-erasure.png"))


def _type_or_press(page, message: str) -> None:
    if message.startswith("/"):  # a quick reply: press the button that carries it
        page.locator(f".bw-buttons button[data-payload='{message}']:not([disabled])").first.click()
    else:
        page.get_by_label("Scrivi un messaggio a Bussola").fill(message)
        page.keyboard.press("Enter")


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_the_plan_turn_shows_everything_the_rest_channel_sent(browser, servers, viewport):
    """Turn by turn parity at the plan: the card takes the place of the plan's own messages (its
    opening as the card's intro, every channel), the closing advice follows it, and every reply after
    the payload (the privacy notice, the consent question) is shown with its buttons."""
    context = browser.new_context(locale="it-IT", viewport=viewport)
    page = context.new_page()
    page.goto(servers.demo_url)
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    script = BUSSOLA_SCRIPT[1:BUSSOLA_SCRIPT.index(RECOMMENDATION_TURN)]
    for message in script:
        before = bot_count(page)
        _type_or_press(page, message)
        wait_for_reply(page, before)
    before = bot_count(page)
    with page.expect_response(lambda r: r.url.endswith("/webhooks/rest/webhook")) as sent:
        _type_or_press(page, RECOMMENDATION_TURN)
    replies = sent.value.json()
    wait_for_reply(page, before)
    page.locator(".bw-plan").wait_for(timeout=30000)

    at = next(i for i, r in enumerate(replies) if (r.get("custom") or {}).get("type") == "bussola.plan")
    plan, own, after = replies[at]["custom"], [r["text"] for r in replies[:at] if r.get("text")], replies[at + 1:]
    assert after, "the consent question comes in the same turn as the plan"
    card = page.locator(".bw-plan").last
    card_text = card.inner_text()
    assert own[0].split("\n")[0] in card_text  # the bot's own opening is the card's intro
    assert "Ho salvato" not in card_text  # the profile is kept only with the consent asked next
    for channel in plan["channels"]:
        assert channel["name"] in card_text and channel["first_step"][:40] in card_text
        if channel["url"]:  # a link to the channel's site, opened apart from the page
            visit = card.get_by_role("link", name=f"Vai a {channel['name']}")
            assert visit.get_attribute("href") == channel["url"] and visit.get_attribute("rel") == "noopener noreferrer"
    shown = [said(bubble) for bubble in page.locator(".bw-log > .bw-bot").all()]
    assert own[-1] in shown  # the closing advice: "Prima di pubblicare, ascolta…"
    for reply in after:
        if reply.get("text"):
            assert reply["text"] in shown, reply["text"][:60]
        titles = [b["title"] for b in reply.get("buttons") or []]
        if titles:
            group = page.locator(".bw-buttons").last
            assert group.locator("button").all_inner_texts() == titles
            assert group.locator("button:not([disabled])").count() == len(titles)  # they answer the question
    # the privacy notice's address is a link, opened apart from the page
    links = page.locator(".bw-log .bw-bot a")
    assert links.count() >= 1
    for i in range(links.count()):
        assert links.nth(i).get_attribute("href").startswith(("https://", "http://"))
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
    # the card opens at its top: its heading is inside the visible part of the log
    top = page.evaluate("""() => { const log = document.querySelector('.bw-log');
        const card = [...document.querySelectorAll('.bw-plan')].pop();
        return card.getBoundingClientRect().top - log.getBoundingClientRect().top; }""")
    assert -2 <= top < 50  # (sub-pixel rounding)
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "phone" if viewport["width"] < 500 else "desktop"
    page.screenshot(path=str(SHOTS / f"plan-card-{name}.png"))
    # "Copia il piano" puts the plan's words on the clipboard
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    card.get_by_role("button", name="Copia il piano").click()
    card.get_by_role("button", name="Piano copiato").wait_for(timeout=5000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert all(channel["name"] in copied for channel in plan["channels"]) and own[-1] in copied
    # "Scarica il piano": a printable Italian page with the same plan
    with page.expect_download() as download:
        card.get_by_role("button", name="Scarica il piano").click()
    page_text = open(download.value.path(), encoding="utf-8").read()
    assert "il tuo piano" in page_text and all(channel["name"] in page_text for channel in plan["channels"])
    assert "<script" not in page_text
    context.close()


def serious_violations(page, context: str) -> list:
    """axe-core's rules (axe-playwright-python bundles axe.min.js: nothing is downloaded) on one part
    of the page; the serious and critical violations, as "rule: first target" lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")]


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_axe_finds_no_serious_violation_in_the_open_widget(browser, servers, viewport):
    context = browser.new_context(locale="it-IT", viewport=viewport)
    page = context.new_page()
    page.goto(servers.demo_url)
    assert serious_violations(page, "#bussola-widget") == []  # closed: the launcher
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    assert serious_violations(page, "#bussola-widget") == []  # open, with a question and its buttons
    context.close()


def test_the_axe_check_catches_what_it_should(browser):
    """The check above can fail: an unlabelled button, an image without alt and an input without
    a label are each reported."""
    page = browser.new_page()
    page.set_content("<html lang='it'><body><main><button></button><img src='x.png'><input></main></body></html>")
    found = {line.split(":")[0] for line in serious_violations(page, "body")}
    page.close()
    assert {"button-name", "image-alt", "label"} <= found


def test_a_message_over_the_limit_is_explained_not_cut(page):
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    box = page.get_by_label("Scrivi un messaggio a Bussola")
    box.fill("a" * 1001)
    assert box.input_value() == "a" * 1001  # nothing cut without a word
    assert "troppo lungo" in page.locator("#bw-note").inner_text() and page.locator(".bw-send").is_disabled()
    box.fill("a" * 1000)
    assert page.locator("#bw-note").inner_text() == "" and page.locator(".bw-send").is_enabled()


def test_typing_dots_timestamps_and_an_unread_badge_for_a_reply_that_comes_closed(page):
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    assert page.locator(".bw-bot time").first.get_attribute("datetime")  # each bubble has its time
    before = bot_count(page)
    page.get_by_label("Scrivi un messaggio a Bussola").fill("siamo una piccola azienda")
    # sent, and the chat closed before the reply comes (one tick: the reply is asynchronous)
    dots = page.evaluate("""() => { document.querySelector('.bw-form').requestSubmit();
        const dots = !!document.querySelector('.bw-typing .bw-dots');
        document.querySelector('.bw-close').click(); return dots; }""")
    assert dots  # the typing indicator looks like one
    badge = page.locator(".bw-launcher .bw-badge")
    badge.wait_for(timeout=30000)
    assert int(badge.inner_text()) >= 1 and "nuov" in badge.get_attribute("aria-label")
    page.locator(".bw-launcher").click()
    assert badge.count() == 0 and bot_count(page) > before


def test_after_a_network_error_riprova_sends_the_message_again(page):
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    page.route("**/webhooks/rest/webhook", lambda route: route.abort())
    page.get_by_label("Scrivi un messaggio a Bussola").fill("siamo un'associazione")
    page.keyboard.press("Enter")
    retry = page.get_by_role("button", name="Riprova")
    retry.wait_for(timeout=10000)
    assert "Non riesco a raggiungere" in last_bot_text(page)
    page.unroute("**/webhooks/rest/webhook")
    before = bot_count(page)
    retry.click()
    wait_for_reply(page, before)
    assert page.locator(".bw-user").count() == 1  # sent again, not shown twice
    assert page.get_by_role("button", name="Riprova").count() == 0
    assert "settore" in last_bot_text(page) or "Ho capito" in last_bot_text(page)


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_greeting_with_the_privacy_link_typing_and_unread_badge_at_both_sizes(browser, servers, viewport):
    """What docs/widget.md shows: the greeting with its times and the privacy page's link, the typing
    dots while a reply is on its way, the unread count when it arrives with the chat closed."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = "phone" if viewport["width"] < 500 else "desktop"
    context = browser.new_context(locale="it-IT", viewport=viewport)
    page = context.new_page()
    try:
        page.goto(servers.demo_url)
        open_widget(page)
        page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
        link = page.locator(".bw-bot a[href*='privacy']").first
        assert link.get_attribute("rel") == "noopener noreferrer" and link.get_attribute("href").startswith("https://")
        assert page.locator(".bw-bot time").count() >= 2
        page.screenshot(path=str(SHOTS / f"widget-greeting-{size}.png"))
        held = []  # the reply is held back, so the dots can be seen
        page.route("**/webhooks/rest/webhook", lambda route: held.append(route))
        page.get_by_label("Scrivi un messaggio a Bussola").fill("ho una libreria a Torino")
        page.keyboard.press("Enter")
        page.locator(".bw-typing .bw-dots").wait_for(timeout=10000)
        page.screenshot(path=str(SHOTS / f"widget-typing-{size}.png"))
        page.locator(".bw-close").click()
        page.wait_for_function("() => true")  # let the held request reach the handler
        for _ in range(50):
            if held:
                break
            page.wait_for_timeout(100)
        held[0].continue_()
        badge = page.locator(".bw-launcher .bw-badge")
        badge.wait_for(timeout=30000)
        assert int(badge.inner_text()) >= 1
        page.screenshot(path=str(SHOTS / f"widget-unread-{size}.png"))
    finally:
        context.close()


def test_a_thumbs_up_answers_a_yes_no_question_in_the_widget(page):
    """A gesture sent alone is read as the answer it stands for (issue 14), as a visitor sees it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = "phone" if page.viewport_size["width"] < 600 else "desktop"
    open_widget(page)
    page.get_by_text("Per cominciare: chi sei?").wait_for(timeout=30000)
    for answer in ("Azienda o PMI", "ristorazione", "una pizzeria con forno a legna", "privati", "Napoli",
                   "famiglie del quartiere", "farci conoscere", "solo Facebook", "4 ore a settimana", "io"):
        send(page, answer)
    assert "budget per la pubblicità" in last_bot_text(page)
    send(page, "👍")
    assert "rispondere a commenti e messaggi" in last_bot_text(page)
    page.screenshot(path=str(SHOTS / f"gesture-answer-{size}.png"))
