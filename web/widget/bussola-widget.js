/*
 * Bussola chat widget: one <script> tag on any website.
 *
 *   <script src="https://your-bussola-host/widget/bussola-widget.js"
 *           data-server="https://your-bussola-host:5005"
 *           data-title="Bussola" data-color="#0b5394"
 *           data-welcome="Ciao! Ti aiuto a scegliere i canali giusti per te."></script>
 *
 * It talks to Rasa's REST channel (POST {server}/webhooks/rest/webhook), shows quick-reply buttons,
 * a typing indicator and the plan as a card (from the recommendation's `custom` payload), keeps the
 * conversation across page reloads (localStorage), and offers "Ricomincia".
 *
 * Every text from the bot or the user is inserted with textContent, never as HTML. The message list
 * is a live region (role="log", aria-live="polite"); every control is a labelled <button> or
 * <input>, usable from the keyboard; Escape closes the panel and focus returns to the launcher.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  // Sales mode from the page address: after "#", never in the query string, so the team's code is
  // not sent to any server, logged or passed on as a referrer; it is removed from the address at once.
  var query = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  if (query.get("codice") && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  var settings = {
    server: (script && script.dataset.server) || window.location.origin.replace(/:\d+$/, ":5005"),
    title: (script && script.dataset.title) || "Bussola",
    color: (script && script.dataset.color) || "#0b5394",
    welcome: (script && script.dataset.welcome) || "",
    telegram: (script && script.dataset.telegram) === "on", // show "Continua su Telegram"
    // Sales mode: a salesperson answers for a prospect (data-mode="vendite", or a page opened with
    // #bussola=vendite&codice=…); the team's code comes from data-sales-code or that address.
    sales: (script && script.dataset.mode) === "vendite" || query.get("bussola") === "vendite",
    salesCode: (script && script.dataset.salesCode) || query.get("codice") || "",
    salesperson: (script && script.dataset.salesperson) || query.get("venditore") || "",
  };
  // The conversation's first message: a greeting, or the sales-mode command.
  var OPENING = settings.sales
    ? "/start_sales_mode" + JSON.stringify(settings.salesperson
      ? { sales_code: settings.salesCode, salesperson: settings.salesperson } : { sales_code: settings.salesCode })
    : "/greet";
  var STORE = "bussola-widget:" + settings.server + (settings.sales ? ":vendite" : "");
  var MAX_HISTORY = 200;
  var MAX_MESSAGE = 1000; // characters, as the server's input check (bot/input_check.py)

  function load(key, fallback) {
    try {
      var value = window.localStorage.getItem(STORE + ":" + key);
      return value ? JSON.parse(value) : fallback;
    } catch (error) {
      return fallback; // private mode or a corrupt value: start afresh
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(STORE + ":" + key, JSON.stringify(value));
    } catch (error) {
      /* storage full or disabled: the conversation still works, only not across reloads */
    }
  }

  function newSender() {
    var random = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
    return "web-" + random;
  }

  var state = {
    sender: load("sender", null) || newSender(),
    history: load("history", []),
    open: load("open", false),
    busy: false,
    unread: 0,
  };
  save("sender", state.sender);

  // --- elements -------------------------------------------------------------------------------

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  var style = el("style");
  style.textContent = [
    ".bw-root{position:fixed;right:20px;bottom:20px;z-index:2147483000;font:15px/1.4 system-ui,sans-serif;color:#1d1d1f}",
    ".bw-launcher{background:" + settings.color + ";color:#fff;border:0;border-radius:28px;padding:14px 20px;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".bw-launcher:focus-visible,.bw-root button:focus-visible,.bw-input:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    ".bw-panel{display:none;flex-direction:column;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 100px));background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden;margin-bottom:12px}",
    ".bw-root.bw-open .bw-panel{display:flex}",
    ".bw-header{display:flex;align-items:center;gap:8px;background:" + settings.color + ";color:#fff;padding:10px 12px}",
    ".bw-header h2{flex:1;margin:0;font-size:16px}",
    ".bw-header button{background:transparent;color:#fff;border:1px solid rgba(255,255,255,.6);border-radius:6px;padding:4px 8px;font:inherit;font-size:13px;cursor:pointer}",
    ".bw-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f5f6f8}",
    ".bw-msg{max-width:85%;padding:8px 11px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".bw-bot{align-self:flex-start;background:#fff;border:1px solid #dde1e6}",
    ".bw-user{align-self:flex-end;background:" + settings.color + ";color:#fff}",
    ".bw-buttons{display:flex;flex-wrap:wrap;gap:6px}",
    ".bw-buttons button{background:#fff;color:" + settings.color + ";border:1px solid " + settings.color + ";border-radius:16px;padding:5px 11px;font:inherit;font-size:14px;cursor:pointer}",
    ".bw-buttons button:disabled{opacity:.45;cursor:default}",
    ".bw-plan{align-self:stretch;background:#fff;border:2px solid " + settings.color + ";border-radius:10px;padding:10px 12px}",
    ".bw-plan h3{margin:0 0 6px;font-size:15px}.bw-plan ol{margin:0;padding-left:20px}.bw-plan li{margin-bottom:8px}",
    ".bw-plan .bw-step{color:#444;font-size:13px}.bw-plan .bw-specialist{background:#fff4e5;border-radius:6px;padding:6px 8px}",
    ".bw-plan .bw-intro{white-space:pre-wrap}.bw-plan-tools{display:flex;gap:6px;margin-top:8px}",
    ".bw-plan-tools button{background:#fff;color:" + settings.color + ";border:1px solid " + settings.color + ";border-radius:6px;padding:4px 10px;font:inherit;font-size:13px;cursor:pointer}",
    ".bw-typing{padding:0 12px 6px;color:#555;font-size:13px;min-height:18px;background:#f5f6f8}",
    ".bw-dots{display:inline-flex;gap:4px;align-items:center;background:#fff;border:1px solid #dde1e6;border-radius:10px;padding:8px 11px}",
    ".bw-dots i{width:7px;height:7px;border-radius:50%;background:#8a929b;animation:bw-blink 1.2s infinite both}",
    ".bw-dots i:nth-child(2){animation-delay:.2s}.bw-dots i:nth-child(3){animation-delay:.4s}",
    "@keyframes bw-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.bw-dots i{animation:none;opacity:.7}}",
    ".bw-time{display:block;font-size:11px;opacity:.7;margin-top:2px}",
    ".bw-note{font-size:13px;color:#8a1c1c;padding:0 10px 6px;min-height:0}",
    ".bw-confirm{align-self:stretch;background:#fff8e1;border:1px solid #e0c36c;border-radius:8px;padding:8px 10px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}",
    ".bw-confirm p{margin:0;flex-basis:100%}",
    ".bw-confirm button,.bw-retry{background:#fff;color:" + settings.color + ";border:1px solid " + settings.color + ";border-radius:6px;padding:4px 10px;font:inherit;font-size:13px;cursor:pointer}",
    ".bw-badge{display:inline-block;min-width:20px;margin-left:8px;padding:0 6px;border-radius:10px;background:#c62828;color:#fff;font-size:13px;text-align:center}",
    ".bw-bot a{color:" + settings.color + "}",
    ".bw-form{display:flex;gap:6px;padding:8px;border-top:1px solid #dde1e6}",
    ".bw-input{flex:1;padding:8px 10px;border:1px solid #b9c0c8;border-radius:8px;font:inherit}",
    ".bw-send{background:" + settings.color + ";color:#fff;border:0;border-radius:8px;padding:0 14px;font:inherit;cursor:pointer}",
    ".bw-link{color:" + settings.color + ";font-weight:600}",
    ".bw-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    // phones: the open chat takes the whole screen, and the close button in its header replaces the launcher
    "@media (max-width:520px){.bw-root.bw-open{inset:0;right:0;bottom:0}.bw-root.bw-open .bw-panel{width:100vw;height:100vh;height:100dvh;border-radius:0;margin:0}.bw-root.bw-open .bw-launcher{display:none}}",
  ].join("\n");

  var root = el("div", { class: "bw-root", id: "bussola-widget" });
  var panel = el("section", { class: "bw-panel", role: "dialog", "aria-label": "Chat con " + settings.title });
  var header = el("div", { class: "bw-header" });
  var heading = el("h2", { id: "bw-title" }, settings.title);
  var restart = el("button", { type: "button", class: "bw-restart", "aria-label": "Ricomincia la conversazione da capo" }, "Ricomincia");
  var close = el("button", { type: "button", class: "bw-close", "aria-label": "Chiudi la chat" }, "✕");
  header.append(heading);
  if (settings.telegram) {
    var toTelegram = el("button", { type: "button", class: "bw-telegram", "aria-label": "Continua la conversazione su Telegram" }, "Telegram");
    toTelegram.addEventListener("click", function () { say("/continue_on_telegram", "Continua su Telegram"); });
    header.append(toTelegram);
  }
  header.append(restart, close);
  var log = el("div", { class: "bw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                        "aria-label": "Messaggi della conversazione", tabindex: "0" });
  var typing = el("div", { class: "bw-typing", "aria-live": "polite" });
  var form = el("form", { class: "bw-form" });
  var label = el("label", { class: "bw-sr", for: "bw-input" }, "Scrivi un messaggio a " + settings.title);
  // No maxlength: the browser would cut a long paste without a word. The note says the limit.
  var input = el("input", { class: "bw-input", id: "bw-input", type: "text", autocomplete: "off",
                            "aria-describedby": "bw-note", placeholder: "Scrivi qui…" });
  var note = el("div", { class: "bw-note", id: "bw-note", "aria-live": "polite" });
  var send = el("button", { type: "submit", class: "bw-send", "aria-label": "Invia il messaggio" }, "Invia");
  form.append(label, input, send);
  panel.append(header, log, typing, form, note);
  // The launcher's accessible name is the text it shows (WCAG "label in name"); aria-expanded says
  // whether the chat is open.
  var launcher = el("button", { type: "button", class: "bw-launcher", "aria-expanded": "false",
                                "aria-controls": "bw-panel" }, "Chatta con " + settings.title);
  panel.id = "bw-panel";
  root.append(panel, launcher);

  // --- rendering (textContent only) ----------------------------------------------------------

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function renderPlan(plan, intro, closing) {
    var card = el("article", { class: "bw-plan", "aria-label": "Il tuo piano", tabindex: "-1" });
    card.append(el("h3", null, plan.specialist_advised ? "Serve uno specialista" : "Il tuo piano"));
    if (plan.specialist_advised) {
      var box = el("div", { class: "bw-specialist" });
      (plan.specialist_reasons || []).forEach(function (reason) {
        box.append(el("p", null, reason.text));
      });
      if ((plan.specialist_help || []).length) {
        box.append(el("p", null, "Uno specialista ti aiuta con: " + plan.specialist_help.join("; ") + "."));
      }
      card.append(box);
    }
    // The opening the bot wrote (the profile is complete, what it read the business offers): the
    // profile is kept only if the user agrees, asked right after the card, so the card never says "saved".
    if (!plan.specialist_advised) card.append(el("p", { class: "bw-intro" }, intro || "Ecco i canali da cui partire, scelti per te:"));
    if (plan.specialist_advised && (plan.channels || []).length) card.append(el("p", null, "Con lo specialista potete partire da qui:"));
    var list = el("ol");
    (plan.channels || []).forEach(function (channel) {
      var item = el("li");
      item.append(el("strong", null, channel.name + " — adatto al " + Math.round(channel.score) + "%"));
      item.append(el("div", null, (channel.reasons || []).join("; ")));
      if (channel.first_step) item.append(el("div", { class: "bw-step" }, "Prime settimane: " + channel.first_step));
      if (/^https:\/\//.test(channel.url || "")) {  // the channel's site, from the knowledge base
        var visit = el("div", { class: "bw-step" });
        visit.append(el("a", { href: channel.url, target: "_blank", rel: "noopener noreferrer" }, "Vai a " + channel.name));
        item.append(visit);
      }
      list.append(item);
    });
    if ((plan.channels || []).length) card.append(list);
    var notes = [].concat(plan.time_note ? [plan.time_note] : [],
      (plan.not_a_fit || []).map(function (c) { return "Perché non " + c.name + ": " + (c.reasons || []).join("; ") + "."; }),
      plan.caution_notes || []);
    notes.forEach(function (note) { card.append(el("p", { class: "bw-step" }, note)); });
    var tools = el("div", { class: "bw-plan-tools" });
    var copy = el("button", { type: "button", class: "bw-copy" }, "Copia il piano");
    copy.addEventListener("click", function () {
      var text = planAsText(plan, intro, closing);
      var done = function () { copy.textContent = "Piano copiato"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { copy.textContent = "Copia non riuscita"; });
      } else {
        copy.textContent = "Copia non disponibile";
      }
    });
    var download = el("button", { type: "button", class: "bw-download" }, "Scarica il piano");
    download.addEventListener("click", function () { downloadPlan(plan, intro, closing); });
    tools.append(copy, download);
    card.append(tools);
    return card;
  }

  // The plan as plain text, the same words the card shows: for "Copia il piano" and the printable page.
  function planAsText(plan, intro, closing) {
    var lines = [plan.specialist_advised ? "Serve uno specialista" : "Il tuo piano", ""];
    if (plan.specialist_advised) {
      (plan.specialist_reasons || []).forEach(function (r) { lines.push("- " + r.text); });
      if ((plan.specialist_help || []).length) lines.push("Uno specialista ti aiuta con: " + plan.specialist_help.join("; ") + ".");
    } else if (intro) {
      lines.push(intro);
    }
    (plan.channels || []).forEach(function (channel, index) {
      lines.push("", (index + 1) + ". " + channel.name + " — adatto al " + Math.round(channel.score) + "%");
      lines.push("   " + (channel.reasons || []).join("; "));
      if (channel.first_step) lines.push("   Prime settimane: " + channel.first_step);
      if (channel.url) lines.push("   " + channel.url);
    });
    var notes = [].concat(plan.time_note ? [plan.time_note] : [],
      (plan.not_a_fit || []).map(function (c) { return "Perché non " + c.name + ": " + (c.reasons || []).join("; ") + "."; }),
      plan.caution_notes || []);
    if (notes.length) lines.push("");
    notes.forEach(function (note) { lines.push(note); });
    if (closing) lines.push("", closing);
    return lines.join("\n");
  }

  // "Scarica il piano": a printable Italian page (save it as PDF from the print dialog), built from
  // the same text with textContent in a document of its own.
  function downloadPlan(plan, intro, closing) {
    var doc = document.implementation.createHTMLDocument("Il tuo piano - " + settings.title);
    var meta = doc.createElement("meta");
    meta.setAttribute("charset", "utf-8");
    doc.head.append(meta);
    var css = doc.createElement("style");
    css.textContent = "body{font:15px/1.5 system-ui,sans-serif;max-width:720px;margin:32px auto;padding:0 16px;color:#1d1d1f}" +
      "pre{white-space:pre-wrap;font:inherit}h1{font-size:22px}";
    doc.head.append(css);
    var title = doc.createElement("h1");
    title.textContent = settings.title + ": il tuo piano";
    var body = doc.createElement("pre");
    body.textContent = planAsText(plan, intro, closing);
    var date = doc.createElement("p");
    date.textContent = "Creato il " + new Date().toLocaleDateString("it-IT");
    doc.body.append(title, date, body);
    var blob = new Blob(["<!doctype html>\n" + doc.documentElement.outerHTML], { type: "text/html;charset=utf-8" });
    var link = el("a", { href: URL.createObjectURL(blob), download: "piano-bussola.html" });
    document.body.append(link);
    link.click();
    link.remove();
  }

  function renderEntry(entry, isLast) {
    if (entry.plan) {
      log.append(renderPlan(entry.plan, entry.intro, entry.closing));
      return;
    }
    if (entry.link) {
      var link = el("a", { class: "bw-msg bw-bot bw-link", href: entry.link, target: "_blank", rel: "noopener noreferrer" },
                    "Apri Telegram e continua lì");
      log.append(link);
      return;
    }
    if (entry.text) {
      var bubble = el("div", { class: "bw-msg " + (entry.from === "user" ? "bw-user" : "bw-bot") });
      // who speaks, for screen readers (the bubbles' side and colour say it to the eye)
      bubble.append(el("span", { class: "bw-sr" }, entry.from === "user" ? "Tu: " : settings.title + ": "));
      var words = el("span", { class: "bw-text" });
      if (entry.from === "user") words.textContent = entry.text;
      else appendWithLinks(words, entry.text);
      bubble.append(words);
      if (entry.at) {
        var when = new Date(entry.at);
        if (!isNaN(when)) {
          bubble.append(el("time", { class: "bw-time", datetime: when.toISOString() },
                           when.toLocaleTimeString("it-IT", { hour: "2-digit", minute: "2-digit" })));
        }
      }
      log.append(bubble);
    }
    if (entry.retry && isLast) {
      var again = el("button", { type: "button", class: "bw-retry" }, "Riprova");
      again.addEventListener("click", function () {
        again.disabled = true;
        say(entry.retry, null);
      });
      log.append(again);
    }
    if (entry.buttons && entry.buttons.length) {
      var group = el("div", { class: "bw-buttons", role: "group", "aria-label": "Risposte rapide" });
      entry.buttons.forEach(function (button) {
        var b = el("button", { type: "button", "data-payload": button.payload }, button.title);
        if (!isLast) b.disabled = true; // only the latest question's buttons answer it
        b.addEventListener("click", function () {
          group.querySelectorAll("button").forEach(function (other) { other.disabled = true; });
          input.focus(); // the pressed button is disabled now: keep the focus inside the chat
          say(button.payload, button.title);
        });
        group.append(b);
      });
      log.append(group);
    }
  }

  // The bot's text with its web addresses as links: only http(s), opened apart with no access to
  // this page (rel=noopener noreferrer); the rest stays text (textContent, never HTML).
  function appendWithLinks(node, text) {
    var pattern = /https?:\/\/[^\s<>"«»]+[^\s<>"«».,;:!?)\]]/g;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      node.append(document.createTextNode(text.slice(last, match.index)));
      node.append(el("a", { href: match[0], target: "_blank", rel: "noopener noreferrer" }, match[0]));
      last = match.index + match[0].length;
    }
    node.append(document.createTextNode(text.slice(last)));
  }

  function renderAll() {
    log.textContent = "";
    state.history.forEach(function (entry, index) {
      renderEntry(entry, index === state.history.length - 1);
    });
    scrollDown();
  }

  function remember(entry) {
    state.history.push(entry);
    if (state.history.length > MAX_HISTORY) state.history = state.history.slice(-MAX_HISTORY);
    save("history", state.history);
  }

  function add(entry, keep) {
    if (!entry.at) entry.at = new Date().toISOString();
    log.querySelectorAll(".bw-buttons button").forEach(function (b) { b.disabled = true; });
    log.querySelectorAll(".bw-retry").forEach(function (b) { b.remove(); });
    if (entry.from === "bot" && !state.open) {
      state.unread += 1; // a reply that came while the chat was closed
      showUnread();
    }
    if (keep !== false) remember(entry);
    renderEntry(entry, true);
    scrollDown();
  }

  // "Cancella i miei dati" done on the server: nothing of the conversation stays in this browser.
  function forgetEverything() {
    state.history = [];
    try {
      ["history", "sender"].forEach(function (key) { window.localStorage.removeItem(STORE + ":" + key); });
    } catch (error) { /* storage disabled: nothing was kept */ }
    state.sender = newSender();
    save("sender", state.sender);
    renderAll();
  }

  // --- talking to Rasa --------------------------------------------------------------------------

  function setBusy(busy) {
    state.busy = busy;
    typing.textContent = "";
    if (busy) {
      var dots = el("span", { class: "bw-dots", "aria-hidden": "true" });
      dots.append(el("i"), el("i"), el("i"));
      typing.append(dots, el("span", { class: "bw-sr" }, settings.title + " sta scrivendo…"));
    }
    checkLength();
  }

  function checkLength() {
    var length = input.value.length;
    var tooLong = length > MAX_MESSAGE;
    note.textContent = tooLong ? "Il messaggio è troppo lungo: al massimo " + MAX_MESSAGE + " caratteri (ora " + length +
      "). Accorcialo per inviarlo." : "";
    send.disabled = state.busy || tooLong;
    return !tooLong;
  }

  function showUnread() {
    var badge = launcher.querySelector(".bw-badge");
    if (!state.unread) {
      if (badge) badge.remove();
      return;
    }
    if (!badge) {
      badge = el("span", { class: "bw-badge" });
      launcher.append(badge);
    }
    badge.textContent = String(state.unread);
    badge.setAttribute("aria-label", state.unread === 1 ? "1 messaggio nuovo" : state.unread + " messaggi nuovi");
  }

  function showReplies(replies) {
    replies.forEach(function (reply) {
      if (reply.custom && reply.custom.type === "bussola.telegram_link" && /^https:\/\/t\.me\//.test(reply.custom.url || "")) {
        add({ from: "bot", link: reply.custom.url });
      } else if (reply.text || (reply.buttons && reply.buttons.length)) {
        add({ from: "bot", text: reply.text || "", buttons: reply.buttons || [] });
      }
    });
  }

  function say(message, shownAs) {
    if (state.busy) return;
    if (shownAs !== null) add({ from: "user", text: shownAs === undefined ? message : shownAs });
    setBusy(true);
    fetch(settings.server.replace(/\/$/, "") + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: message }),
    })
      .then(function (response) {
        if (response.ok) return response.json();
        // A refusal explained in Italian (nginx's 413/429/503 bodies, docs/production.md): say it.
        return response.json().catch(function () { return {}; }).then(function (body) {
          var error = new Error("HTTP " + response.status);
          error.userMessage = body && typeof body.message === "string" ? body.message.slice(0, 300) : "";
          throw error;
        });
      })
      .then(function (replies) {
        replies = Array.isArray(replies) ? replies : [];
        var plan = replies.filter(function (r) { return r.custom && r.custom.type === "bussola.plan"; })[0];
        if (plan) {
          // The plan's own text messages come just before its payload and say what the card shows
          // (docs/plan-payload.md): the card takes their place, with their opening as its intro, and
          // the closing advice follows it. Whatever comes after the payload (the privacy notice, the
          // consent question and its buttons) is shown as any other reply.
          var at = replies.indexOf(plan);
          var own = replies.slice(0, at).filter(function (r) { return r.text; });
          var specialist = plan.custom.specialist_advised;
          var closing = !specialist && own.length > 1 ? own[own.length - 1].text : null;
          add({ from: "bot", plan: plan.custom, intro: !specialist && own.length ? own[0].text : null, closing: closing });
          if (closing) add({ from: "bot", text: closing });
          showReplies(replies.slice(at + 1));
          var card = log.querySelectorAll(".bw-plan");
          card = card[card.length - 1];
          if (card) { log.scrollTop = card.offsetTop - log.offsetTop; } // the card opens at its top
          return;
        }
        var erased = replies.some(function (r) { return r.custom && r.custom.type === "bussola.erased"; });
        if (erased) {
          // The server erased this conversation: so does the page. Only the confirmation stays on
          // screen (not stored), and the next message starts a new session.
          forgetEverything();
          replies.forEach(function (reply) {
            if (reply.text) add({ from: "bot", text: reply.text }, false);
          });
          return;
        }
        showReplies(replies);
      })
      .catch(function (error) {
        // the message stays on screen; "Riprova" sends it again
        add({ from: "bot", retry: message, text: (error && error.userMessage) ||
          "Non riesco a raggiungere " + settings.title + " in questo momento. Riprova tra poco." });
      })
      .then(function () {
        setBusy(false);
      });
  }

  // --- opening, closing, starting over -------------------------------------------------------

  function setOpen(open, focus) {
    state.open = open;
    save("open", open);
    root.classList.toggle("bw-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    launcher.textContent = open ? "Chiudi la chat" : "Chatta con " + settings.title;
    if (open) state.unread = 0;
    showUnread();
    if (open) {
      scrollDown();
      if (focus) input.focus();
      if (!state.history.length) {
        if (settings.welcome) add({ from: "bot", text: settings.welcome });
        say(OPENING, null);
      }
    } else if (focus) {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", function () { setOpen(!state.open, true); });
  close.addEventListener("click", function () { setOpen(false, true); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false, true);
  });
  // "Ricomincia" asks first: starting over wipes the conversation from this page.
  restart.addEventListener("click", function () {
    if (log.querySelector(".bw-confirm")) return;
    var box = el("div", { class: "bw-confirm", role: "group", "aria-label": "Conferma" });
    box.append(el("p", null, "Vuoi ricominciare da capo? Le risposte date finora non saranno più mostrate qui."));
    var yes = el("button", { type: "button" }, "Sì, ricomincia");
    var no = el("button", { type: "button" }, "No, continua");
    yes.addEventListener("click", function () {
      state.history = [];
      save("history", state.history);
      renderAll();
      say(settings.sales ? OPENING : "/start_over", null);
      input.focus();
    });
    no.addEventListener("click", function () {
      box.remove();
      input.focus();
    });
    box.append(yes, no);
    log.append(box);
    scrollDown();
    yes.focus();
  });
  input.addEventListener("input", checkLength);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || state.busy || !checkLength()) return;
    input.value = "";
    say(text);
  });

  function mount() {
    document.head.append(style);
    document.body.append(root);
    renderAll();
    if (state.open) setOpen(true, false);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
