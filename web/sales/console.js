/*
 * Bussola sales console: the leads, one lead's brief, consents, history and conversation, its status,
 * a CSV download and two charts. Served by bot/leads/server.py at /console/.
 *
 * The page holds no data: it asks for the sales team's token, keeps it in sessionStorage (gone when
 * the tab closes) and sends it as a bearer header with every /api request. Every value from the API
 * is inserted with textContent or setAttribute, never as HTML. The server's Content-Security-Policy
 * allows only this file as script, so there is no inline script or style.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "bussola-sales:token";
  var ACTOR_KEY = "bussola-sales:actor";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var STATUS_LABELS = {
    new: "Nuovo", handoff_requested: "Chiede un contatto", contacted: "Contattato", qualified: "Qualificato",
    won: "Vinto", lost: "Perso", archived: "Archiviato",
  };
  var STEP_LABELS = { started: "Iniziata", plan: "Piano ricevuto", consent: "Consensi", contact: "Recapiti",
                      handoff: "Chiede un contatto" };
  var ENTERED_BY_LABELS = { visitor: "Visitatore", sales: "Team vendite" };
  var CONSENT_LABELS = { profile: "Conservare profilo e piano", contact: "Essere ricontattato" };
  var CONTACT_LABELS = { name: "Nome", company: "Azienda", company_size: "Dimensione", email: "Email",
                         phone: "Telefono", call_time: "Quando chiamare" };
  var GRADES = ["A", "B", "C"];
  // Rasa's channel names, as people say them
  var CHANNEL_LABELS = { rest: "Sito web", telegram: "Telegram", socketio: "Sito web", cmdline: "Terminale" };
  var PER_PAGE = 50;
  var page = 1;

  // --- small helpers ----------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function stored(key) {
    try { return window.sessionStorage.getItem(key); } catch (error) { return null; }
  }

  function store(key, value) {
    try {
      if (value) window.sessionStorage.setItem(key, value);
      else window.sessionStorage.removeItem(key);
    } catch (error) { /* storage disabled: the token lasts until the page is reloaded */ }
  }

  var memoryToken = null;
  function token() { return stored(TOKEN_KEY) || memoryToken; }

  function when(iso) {
    if (!iso) return "—";
    var date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString("it-IT", { dateStyle: "short", timeStyle: "short" });
  }

  function day(iso) { // "2026-11-26" -> "26/11"
    var parts = String(iso).split("-");
    return parts.length === 3 ? parts[2] + "/" + parts[1] : iso;
  }

  function label(map, value) { return value ? (map[value] || value) : "—"; }

  // The date filters in Italian words, whatever format the browser's own date inputs show
  // ("dal 3 dicembre 2026 al 5 dicembre 2026").
  function longDay(value) {
    var parts = String(value).split("-").map(Number);
    if (parts.length !== 3 || parts.some(isNaN)) return value;
    return new Date(parts[0], parts[1] - 1, parts[2])
      .toLocaleDateString("it-IT", { day: "numeric", month: "long", year: "numeric" });
  }

  function period() {
    var since = $("filters").elements.since.value, until = $("filters").elements.until.value;
    if (since && until) return "dal " + longDay(since) + " al " + longDay(until);
    if (since) return "dal " + longDay(since);
    if (until) return "fino al " + longDay(until);
    return "";
  }

  function notice(text, isError) {
    var box = $("notice");
    box.textContent = text || "";
    box.classList.toggle("error", Boolean(isError));
  }

  function enteredBy(lead) {
    return label(ENTERED_BY_LABELS, lead.entered_by) + (lead.salesperson ? " (" + lead.salesperson + ")" : "");
  }

  function leadName(lead) {
    var who = [lead.name, lead.company].filter(Boolean).join(" · ");
    return who || "Anonimo " + String(lead.public_id || "").slice(0, 6);
  }

  // --- talking to the server --------------------------------------------------------------------

  function ApiError(status, message) { this.status = status; this.message = message; }

  function api(path, options) {
    options = options || {};
    var headers = { Authorization: "Bearer " + token() };
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: options.method || "GET", headers: headers, cache: "no-store",
                         body: options.body ? JSON.stringify(options.body) : undefined })
      .catch(function () {
        throw new ApiError(0, "Non riesco a raggiungere il server della console. Riprova tra poco.");
      })
      .then(function (response) {
        if (response.ok) return options.raw ? response : response.json();
        return response.json().catch(function () { return {}; }).then(function (body) {
          var error = new ApiError(response.status, body.error || "Errore del server (" + response.status + ")");
          if (response.status === 401 || response.status === 403) signOut(error.message);
          throw error;
        });
      });
  }

  function failed(error) {
    if (error instanceof ApiError) {
      if (error.status !== 401 && error.status !== 403) notice(error.message, true);
      return;
    }
    throw error;
  }

  // --- signing in and out -----------------------------------------------------------------------

  function signOut(message) {
    store(TOKEN_KEY, null);
    memoryToken = null;
    $("app").hidden = true;
    $("logout").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message ? message + ". Controlla il token e riprova." : "";
    $("token").value = "";
    $("token").focus();
  }

  function signIn() {
    $("login").hidden = true;
    $("login-error").textContent = "";
    $("app").hidden = false;
    $("logout").hidden = false;
    return loadLeads().then(function (ok) {
      if (!ok) return;
      loadCharts();
      var wanted = /^#lead=([0-9a-f]{32})$/.exec(window.location.hash);
      if (wanted) return openLead(wanted[1]);
      // the sales brief links by conversation: #sender=<id>
      var sender = /^#sender=(.{1,255})$/.exec(window.location.hash);
      if (sender) {
        return api("/api/senders/" + encodeURIComponent(decodeURIComponent(sender[1])) + "/lead")
          .then(function (found) { return openLead(found.public_id); }).catch(failed);
      }
    });
  }

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("token").value.trim();
    if (!value) return;
    memoryToken = value;
    store(TOKEN_KEY, value);
    signIn();
  });

  $("logout").addEventListener("click", function () { signOut(""); });

  // --- the leads table --------------------------------------------------------------------------

  function filterQuery(extra) {
    var params = new URLSearchParams();
    new FormData($("filters")).forEach(function (value, name) { if (value) params.set(name, value); });
    if (!params.has("started")) params.set("started", "hide"); // begun and left before the plan: hidden unless asked
    Object.keys(extra || {}).forEach(function (name) { params.set(name, extra[name]); });
    var query = params.toString();
    return "/api/leads" + (query ? "?" + query : "");
  }

  // One page at a time, filtered on the server: the console never loads every lead.
  function loadLeads() {
    notice("Carico i lead…");
    return api(filterQuery({ page: page, per_page: PER_PAGE })).then(function (data) {
      page = data.page || 1;
      renderLeads(data.leads);
      var first = data.count ? (page - 1) * (data.per_page || PER_PAGE) + 1 : 0;
      var last = (page - 1) * (data.per_page || PER_PAGE) + data.leads.length;
      var during = period();
      $("page-info").textContent = data.count ? "Lead " + first + "–" + last + " di " + data.count +
        (during ? " " + during : "") + " · pagina " + page + " di " + data.pages : "";
      $("page-prev").disabled = page <= 1;
      $("page-next").disabled = page >= (data.pages || 1);
      notice((data.count === 1 ? "1 lead" : data.count + " lead") + (during ? " " + during : "") + ".");
      return true;
    }).catch(failed);
  }

  $("page-prev").addEventListener("click", function () { if (page > 1) { page -= 1; loadLeads(); } });
  $("page-next").addEventListener("click", function () { page += 1; loadLeads(); });

  function renderLeads(leads) {
    var body = $("leads").querySelector("tbody");
    body.textContent = "";
    if (!leads.length) {
      var empty = el("tr");
      empty.append(el("td", { colspan: "9" }, "Nessun lead con questi filtri."));
      body.append(empty);
      return;
    }
    leads.forEach(function (lead) {
      var row = el("tr", { "data-id": lead.public_id });
      var open = el("button", { type: "button", class: "link" }, leadName(lead));
      open.addEventListener("click", function () { openLead(lead.public_id); });
      var grade = el("td");
      if (lead.grade) grade.append(el("span", { class: "grade grade-" + lead.grade }, lead.grade));
      else grade.textContent = "—";
      var name = el("td");
      name.append(open);
      row.append(el("td", null, when(lead.created_at)), name, grade,
        el("td", null, lead.fit_score === null ? "—" : lead.fit_score),
        el("td", null, lead.readiness_score === null ? "—" : lead.readiness_score),
        el("td", null, label(STATUS_LABELS, lead.status)), el("td", null, label(STEP_LABELS, lead.step)),
        el("td", null, enteredBy(lead)),
        el("td", null, label(CHANNEL_LABELS, lead.channel)));
      body.append(row);
    });
  }

  $("filters").addEventListener("submit", function (event) {
    event.preventDefault();
    page = 1; // new filters: from the first page
    loadLeads();
  });

  Object.keys(STATUS_LABELS).forEach(function (status) {
    $("filter-status").append(el("option", { value: status }, STATUS_LABELS[status]));
  });

  // --- CSV download: fetched with the token, then handed to the browser as a file ---------------

  $("download").addEventListener("click", function () {
    notice("Preparo il CSV…");
    api(filterQuery({ format: "csv" }), { raw: true }).then(function (response) {
      var disposition = response.headers.get("Content-Disposition") || "";
      var name = (/filename=([\w.-]+)/.exec(disposition) || [null, "bussola-leads.csv"])[1];
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = el("a", { href: url, download: name });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
        notice("CSV scaricato: " + name);
      });
    }).catch(failed);
  });

  // --- one lead ---------------------------------------------------------------------------------

  var openedFrom = null;

  function openLead(id) {
    notice("Apro il lead…");
    return Promise.all([
      api("/api/leads/" + encodeURIComponent(id)),
      api("/api/leads/" + encodeURIComponent(id) + "/transcript").catch(function (error) {
        if (error instanceof ApiError && error.status !== 401 && error.status !== 403) return error;
        throw error;
      }),
    ]).then(function (results) {
      renderDetail(results[0], results[1]);
      document.querySelectorAll("#leads tbody tr").forEach(function (row) {
        row.setAttribute("aria-current", String(row.getAttribute("data-id") === id));
      });
      var row = document.querySelector('#leads tbody tr[data-id="' + id + '"] button');
      if (row) openedFrom = row;
      window.history.replaceState(null, "", "#lead=" + id);
      notice("");
      $("detail").hidden = false;
      $("detail").focus();
      $("detail").scrollIntoView({ block: "start" });
    }).catch(failed);
  }

  function closeLead() {
    $("detail").hidden = true;
    window.history.replaceState(null, "", window.location.pathname);
    document.querySelectorAll("#leads tbody tr").forEach(function (row) { row.removeAttribute("aria-current"); });
    if (openedFrom && document.contains(openedFrom)) openedFrom.focus();
  }

  $("detail-close").addEventListener("click", closeLead);
  $("detail").addEventListener("keydown", function (event) { if (event.key === "Escape") closeLead(); });

  function definitions(pairs) {
    var list = el("dl");
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === "") return;
      list.append(el("dt", null, pair[0]), el("dd", null, pair[1]));
    });
    return list;
  }

  function section(title, content) {
    var box = el("section");
    box.append(el("h3", null, title));
    [].concat(content).forEach(function (node) { box.append(node); });
    return box;
  }

  function bullets(items, ordered) {
    var list = el(ordered ? "ol" : "ul");
    items.forEach(function (item) { list.append(el("li", null, item)); });
    return list;
  }

  function renderDetail(lead, transcript) {
    var brief = lead.brief || {};
    $("detail-title").textContent = brief.headline || leadName(lead);
    var body = $("detail-body");
    body.textContent = "";

    var contact = brief.contact || {};
    var contactPairs = Object.keys(CONTACT_LABELS).filter(function (field) { return contact[field]; })
      .map(function (field) { return [CONTACT_LABELS[field], contact[field]]; });
    var summary = el("div", { class: "columns" });
    summary.append(
      section("Valutazione", [
        definitions([["Valutazione", brief.grade || lead.grade || "non ancora"],
                     ["Motivo", brief.grade_reason],
                     ["Stato", label(STATUS_LABELS, lead.status)], ["Fase", label(STEP_LABELS, lead.step)],
                     ["Inserito da", enteredBy(lead)],
                     ["Canale", label(CHANNEL_LABELS, lead.channel)], ["Creato", when(lead.created_at)],
                     ["Scade", lead.anonymous && lead.expires_at ? when(lead.expires_at) : null]])]),
      section("Contatto", contactPairs.length ? [definitions(contactPairs)]
        : [el("p", null, "Nessun recapito: il visitatore non l'ha lasciato o non ha dato il consenso.")]));
    body.append(summary);

    var scores = el("div", { class: "columns" });
    [["Affinità", brief.fit], ["Prontezza", brief.readiness]].forEach(function (pair) {
      if (!pair[1]) return;
      scores.append(section(pair[0] + " " + pair[1].points + "/100", [bullets(pair[1].reasons || [])]));
    });
    if (scores.children.length) body.append(scores);

    var profile = brief.profile || [];
    var plan = brief.plan;
    var about = el("div", { class: "columns" });
    about.append(section("Profilo", profile.length
      ? [definitions(profile.map(function (item) { return [item.label, item.value]; }))]
      : [el("p", null, "Profilo non conservato (manca il consenso) o non ancora completo.")]));
    var planContent = [];
    if (plan && plan.channels && plan.channels.length) {
      if (plan.specialist_advised) planContent.push(el("p", null, "Canali da discutere con lo specialista:"));
      planContent.push(bullets(plan.channels.map(function (channel) {
        var score = typeof channel.score === "number" ? " (" + Math.round(channel.score) + "/100)" : "";
        return channel.name + score + (channel.reason ? ": " + channel.reason : "");
      }), true));
    } else {
      planContent.push(el("p", null, "Nessun piano conservato."));
    }
    if ((brief.specialist_reasons || []).length) {
      planContent.push(el("p", null, "Perché serve uno specialista:"), bullets(brief.specialist_reasons));
    }
    about.append(section("Piano", planContent));
    body.append(about);

    var consents = brief.consents || lead.consents || [];
    body.append(section("Consensi", consents.length ? [bullets(consents.map(function (consent) {
      return label(CONSENT_LABELS, consent.kind) + ": " + (consent.granted ? "sì" : "no") + ", " + when(consent.given_at)
        + (consent.notice_version ? " (informativa " + consent.notice_version + ")" : "")
        + (consent.channel ? " via " + label(CHANNEL_LABELS, consent.channel) : "");
    }))] : [el("p", null, "Nessun consenso registrato.")]));

    body.append(section("Storico dello stato", [historyTable(lead.history || []), statusForm(lead)]));
    body.append(section("Conversazione", [transcriptList(transcript)]));
  }

  function historyTable(history) {
    var table = el("table", { class: "history" });
    table.append(el("caption", null, "Ogni cambio di stato, dal primo"));
    var head = el("tr");
    ["Quando", "Da", "A", "Chi", "Nota"].forEach(function (name) { head.append(el("th", { scope: "col" }, name)); });
    var thead = el("thead");
    thead.append(head);
    var body = el("tbody");
    table.append(thead, body);
    history.forEach(function (change) {
      var row = el("tr");
      row.append(el("td", null, when(change.at)), el("td", null, label(STATUS_LABELS, change.old_status)),
                 el("td", null, label(STATUS_LABELS, change.new_status)), el("td", null, change.actor),
                 el("td", null, change.note || ""));
      body.append(row);
    });
    return table;
  }

  function statusForm(lead) {
    var form = el("form", { class: "status-form", "aria-label": "Cambia lo stato del lead" });
    var select = el("select", { id: "new-status", name: "status" });
    Object.keys(STATUS_LABELS).forEach(function (status) {
      var option = el("option", { value: status }, STATUS_LABELS[status]);
      if (status === lead.status) option.selected = true;
      select.append(option);
    });
    var note = el("textarea", { id: "status-note", name: "note", maxlength: "2000", rows: "1" });
    var actor = el("input", { id: "status-actor", name: "actor", maxlength: "64", autocomplete: "name" });
    actor.value = stored(ACTOR_KEY) || "";
    var statusLabel = el("label", { for: "new-status" }, "Nuovo stato");
    var noteLabel = el("label", { for: "status-note" }, "Nota (facoltativa)");
    var actorLabel = el("label", { for: "status-actor" }, "Firma (facoltativa)");
    statusLabel.append(select);
    noteLabel.append(note);
    actorLabel.append(actor);
    form.append(statusLabel, noteLabel, actorLabel, el("button", { type: "submit" }, "Cambia stato"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      store(ACTOR_KEY, actor.value.trim());
      var change = { status: select.value, note: note.value.trim() || null };
      if (actor.value.trim()) change.actor = actor.value.trim();
      api("/api/leads/" + encodeURIComponent(lead.public_id), { method: "PATCH", body: change })
        .then(function (updated) {
          return loadLeads().then(function () { return openLead(updated.public_id); }).then(function () {
            notice("Stato aggiornato: " + label(STATUS_LABELS, updated.status) + ".");
          });
        }).catch(failed);
    });
    return form;
  }

  function transcriptList(transcript) {
    if (transcript instanceof ApiError) return el("p", { class: "error" }, transcript.message);
    if (!transcript.length) return el("p", null, "Nessun messaggio registrato per questa conversazione.");
    var list = el("ol", { class: "transcript", "aria-label": "Messaggi della conversazione", tabindex: "0" });
    transcript.forEach(function (message) {
      var item = el("li", { class: message.who });
      var who = (message.who === "utente" ? "Utente" : "Bussola") + " · " + when(message.at);
      item.append(el("span", { class: "who" }, who), document.createTextNode(message.text));
      list.append(item);
    });
    return list;
  }

  // --- charts -----------------------------------------------------------------------------------
  // Inline SVG built with DOM calls rather than a chart library: the console ships no npm assets at
  // run time, the CSP allows scripts from 'self' only, and two small charts do not need one. Each
  // chart has a <title> and <desc> for screen readers and a data table as a fallback.

  function chartFrame(figure, width, height, title, description) {
    figure.querySelectorAll("svg, details, .legend, p").forEach(function (node) { node.remove(); });
    var id = figure.id;
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
                             "aria-labelledby": id + "-title " + id + "-desc" });
    chart.append(svg("title", { id: id + "-title" }, title), svg("desc", { id: id + "-desc" }, description));
    figure.append(chart);
    return chart;
  }

  function dataTable(figure, headers, rows) {
    var details = el("details");
    details.append(el("summary", null, "Mostra i dati in tabella"));
    var table = el("table");
    var head = el("tr");
    headers.forEach(function (name) { head.append(el("th", { scope: "col" }, name)); });
    var thead = el("thead");
    thead.append(head);
    var body = el("tbody");
    table.append(thead, body);
    rows.forEach(function (values) {
      var row = el("tr");
      values.forEach(function (value, index) {
        row.append(index ? el("td", null, value) : el("th", { scope: "row" }, value));
      });
      body.append(row);
    });
    details.append(rows.length ? table : el("p", null, "Nessun dato nel periodo."));
    figure.append(details);
  }

  function drawFunnel(steps) {
    var figure = $("funnel-chart");
    var width = 520, row = 34, labelWidth = 150, barSpace = width - labelWidth - 100; // room for "1234 · 100%"
    var most = Math.max.apply(null, steps.map(function (s) { return s.leads; }).concat([1]));
    var started = steps.length ? steps[0].leads : 0;
    function share(leads) { return started ? Math.round(100 * leads / started) + "%" : "—"; }
    var description = steps.map(function (s) { return label(STEP_LABELS, s.step) + ": " + s.leads + " (" + share(s.leads) + ")"; }).join(", ");
    var chart = chartFrame(figure, width, steps.length * row + 6, "Lead per fase dell'intervista", description);
    steps.forEach(function (step, index) {
      var y = index * row + 4;
      var barWidth = Math.max(step.leads ? 2 : 0, Math.round(barSpace * step.leads / most));
      var bar = svg("rect", { class: "bar", x: labelWidth, y: y, width: barWidth, height: row - 12, rx: 3 });
      bar.append(svg("title", null, label(STEP_LABELS, step.step) + ": " + step.leads + " lead"));
      chart.append(svg("text", { x: 0, y: y + row / 2 }, label(STEP_LABELS, step.step)), bar,
                   svg("text", { x: labelWidth + barWidth + 6, y: y + row / 2 }, step.leads + " · " + share(step.leads)));
    });
    dataTable(figure, ["Fase", "Lead", "Sul totale"], steps.map(function (s) {
      return [label(STEP_LABELS, s.step), s.leads, share(s.leads)];
    }));
  }

  function drawGrades(days, series) {
    var figure = $("grades-chart");
    figure.querySelector("figcaption").textContent = "Valutazioni negli ultimi " + days + " giorni";
    var width = 560, height = 220, left = 34, bottom = 24, top = 8;
    var plotHeight = height - bottom - top, column = (width - left) / Math.max(series.length, 1);
    var totals = series.map(function (d) { return d.A + d.B + d.C; });
    var most = Math.max.apply(null, totals.concat([1]));
    var sums = GRADES.map(function (g) {
      return g + " " + series.reduce(function (total, d) { return total + d[g]; }, 0);
    });
    var chart = chartFrame(figure, width, height, "Valutazioni dei lead negli ultimi " + days + " giorni",
                           "Lead valutati per giorno, in totale " + sums.join(", ") + ".");
    chart.append(svg("line", { class: "axis", x1: left, y1: top + plotHeight, x2: width, y2: top + plotHeight }),
                 svg("text", { x: 0, y: top + 10 }, most), svg("text", { x: 0, y: top + plotHeight }, 0));
    series.forEach(function (d, index) {
      var x = left + index * column + column * 0.15, y = top + plotHeight;
      GRADES.forEach(function (grade) {
        if (!d[grade]) return;
        var barHeight = plotHeight * d[grade] / most;
        y -= barHeight;
        var bar = svg("rect", { class: "bar-" + grade, x: x.toFixed(1), y: y.toFixed(1),
                                width: (column * 0.7).toFixed(1), height: barHeight.toFixed(1) });
        bar.append(svg("title", null, day(d.date) + " · " + grade + ": " + d[grade]));
        chart.append(bar);
      });
    });
    [[0, "start"], [Math.floor(series.length / 2), "middle"], [series.length - 1, "end"]].forEach(function (tick) {
      if (!series[tick[0]]) return;
      var x = left + tick[0] * column + (tick[1] === "start" ? 0 : tick[1] === "middle" ? column / 2 : column);
      chart.append(svg("text", { x: x.toFixed(1), y: height - 6, "text-anchor": tick[1] }, day(series[tick[0]].date)));
    });
    var legend = el("ul", { class: "legend", "aria-hidden": "true" });
    GRADES.forEach(function (grade) {
      var item = el("li");
      item.append(el("span", { class: "swatch swatch-" + grade }), document.createTextNode("Valutazione " + grade));
      legend.append(item);
    });
    figure.append(legend);
    dataTable(figure, ["Giorno", "A", "B", "C"], series.filter(function (d, i) { return totals[i]; })
      .map(function (d) { return [day(d.date), d.A, d.B, d.C]; }));
  }

  function loadCharts() {
    api("/api/stats/funnel").then(function (data) { drawFunnel(data.steps); }).catch(failed);
    api("/api/stats/grades?days=30").then(function (data) { drawGrades(data.days, data.series); }).catch(failed);
  }

  // --- start ------------------------------------------------------------------------------------

  if (token()) signIn();
  else signOut("");
})();
