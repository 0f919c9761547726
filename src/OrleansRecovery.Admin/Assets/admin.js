// The OrleansRecovery admin page: polls the registry (api/transactions) and, when one is open, a transaction (api/transaction).
// Every value reaches the page through textContent, never as markup: transaction ids, reasons and payloads are other people's input.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let refreshMs = 2000;
  let timer = 0;
  let filter = "all";
  const pageSize = 50;
  let pendingFrom = 0;
  let pendingOf = "";
  let canAct = false;
  let asked = null; // the action waiting for confirmation: { action, body, text }

  const stateOf = (entry) => entry.stuck ? "stuck"
    : entry.mode === "Faulted" ? "faulted"
    : entry.mode === "Recovering" ? "recovering"
    : "replaying";

  function age(fromIso, nowIso) {
    if (!fromIso) return "";
    let s = Math.max(0, Math.round((Date.parse(nowIso) - Date.parse(fromIso)) / 1000));
    if (s < 60) return `${s} s`;
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    if (d > 0) return `${d} d ${h} h`;
    if (h > 0) return `${h} h ${m} min`;
    return `${m} min ${s} s`;
  }

  const time = (iso) => iso ? new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "";

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) {
      let detail = `${response.status} ${response.statusText}`;
      try { const problem = await response.json(); if (problem.detail) detail = problem.detail; } catch { /* not JSON */ }
      throw new Error(detail);
    }
    return response.json();
  }

  function showError(element, error) {
    element.hidden = !error;
    element.textContent = error ? String(error.message || error) : "";
  }

  function renderList(view) {
    const counts = { recovering: 0, stuck: 0, faulted: 0, replaying: 0 };
    for (const entry of view.entries) counts[stateOf(entry)]++;
    for (const [name, count] of Object.entries(counts)) $(`count-${name}`).textContent = String(count);
    $("refreshed-at").textContent = time(view.now);

    const shown = view.entries.filter((e) => filter === "all" || stateOf(e) === filter);
    const body = $("transactions").tBodies[0];
    body.replaceChildren();
    for (const entry of shown) {
      const state = stateOf(entry);
      const row = document.createElement("tr");
      row.dataset.transactionId = entry.transactionId;
      row.dataset.state = state;
      cell(row, entry.transactionId, "id");
      cell(row, state, `state state-${state}`);
      cell(row, time(entry.since), "since");
      cell(row, age(entry.since, view.now), "age num");
      cell(row, String(entry.pendingCount), "pending num");
      cell(row, entry.oldestPendingSince ? age(entry.oldestPendingSince, view.now) : "", "oldest num");
      cell(row, entry.reason, "reason");
      row.addEventListener("click", () => open(entry.transactionId));
      body.appendChild(row);
    }
    $("empty").hidden = shown.length > 0;
    $("truncated").hidden = !view.truncated;
  }

  function field(list, name, label, value) {
    if (value === null || value === undefined || value === "") return;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.dataset.field = name;
    dd.textContent = value;
    list.append(dt, dd);
  }

  const timelineText = {
    RecoveryBegun: "recovery begun", Parked: "parked", RecoveryMessages: "recovery messages", RecoveryCompleted: "recovery completed",
    Replayed: "replayed", Faulted: "faulted", Retried: "retried", Skipped: "skipped",
  };

  function renderDetail(view) {
    const s = view.status;
    const list = $("detail-fields");
    list.replaceChildren();
    const mode = s.mode + (s.stuck ? " (stuck)" : "") + (s.replaying ? " (replaying)" : "");
    field(list, "mode", "Mode", mode);
    field(list, "pending", "Pending", String(s.pendingCount));
    if (s.oldestPendingSince) field(list, "oldest", "Oldest pending", `${time(s.oldestPendingSince)} (${age(s.oldestPendingSince, view.now)} ago)`);
    if (s.recovery) {
      field(list, "recovery", "Recovery", `${s.recovery.recoveryId} since ${time(s.recovery.since)} (${age(s.recovery.since, view.now)})`);
      field(list, "recovery-reason", "Reason", s.recovery.reason);
      if (s.recovery.subject) field(list, "recovery-subject", "In doubt", `${s.recovery.subject.messageId} (${s.recovery.subject.type})`);
    }
    if (s.fault) {
      field(list, "fault-message", "Faulted message", `${s.fault.message.messageId} (${s.fault.message.type})`);
      field(list, "fault-error", "Error", s.fault.error);
      field(list, "fault-attempts", "Attempts", `${s.fault.attempts}, since ${time(s.fault.since)}`);
    }
    if (s.replayFailures > 0) field(list, "replay-failures", "Replay failures", `${s.replayFailures}: ${s.lastReplayError || ""}`);
    const c = s.counters;
    field(list, "counters", "Messages", `processed ${c.processed}, parked ${c.queued}, replayed ${c.replayed}, duplicate ${c.duplicate}, rejected ${c.rejected}`);
    for (const r of (s.recentRejections || []).slice(-5)) {
      field(list, "rejection", "Rejected", `${r.messageId} (${r.type}): ${r.code}: ${r.reason}`);
    }
    const timeline = $("timeline").tBodies[0];
    timeline.replaceChildren();
    for (const e of (s.timeline || [])) {
      const row = document.createElement("tr");
      row.dataset.kind = e.kind;
      cell(row, time(e.at), "at");
      cell(row, timelineText[e.kind] || e.kind, "kind");
      cell(row, e.count ? String(e.count) : "", "count num");
      cell(row, e.text, "text");
      timeline.appendChild(row);
    }
    $("timeline").hidden = timeline.rows.length === 0;
    $("timeline-empty").hidden = timeline.rows.length > 0;
    $("detail-data").textContent = view.data !== null && view.data !== undefined
      ? JSON.stringify(view.data, null, 2)
      : (view.dataError || "(no data yet)");
  }

  function renderPending(view) {
    const page = view.page;
    const body = $("pending").tBodies[0];
    body.replaceChildren();
    for (const e of page.entries) {
      const row = document.createElement("tr");
      row.dataset.position = String(e.position);
      row.dataset.messageId = e.messageId;
      cell(row, String(e.position), "pos num");
      cell(row, String(e.sequence), "seq num");
      cell(row, e.messageId, "message id");
      cell(row, e.type, "type");
      cell(row, String(e.sizeBytes), "size num");
      cell(row, time(e.parkedAt), "parked");
      cell(row, e.payloadExcerpt + (e.payloadTruncated ? "…" : ""), "payload");
      body.appendChild(row);
    }
    const last = page.from + page.entries.length - 1;
    $("pending-range").textContent = page.entries.length > 0
      ? `${page.from}–${last} of ${page.pendingCount}`
      : `${page.pendingCount} in all`;
    $("pending-empty").hidden = page.entries.length > 0;
    $("pending").hidden = page.entries.length === 0;
    $("pending-prev").disabled = page.from === 0;
    $("pending-next").disabled = page.nextFrom === null || page.nextFrom === undefined;
    $("pending-next").dataset.next = page.nextFrom ?? "";
  }

  const verdictText = { Applied: "applied", Rejected: "rejected", InDoubt: "in doubt", WouldThrow: "would throw", NotReached: "not reached" };

  function renderPreview(view) {
    const p = view.preview;
    const counts = { Applied: 0, Rejected: 0, InDoubt: 0, WouldThrow: 0, NotReached: 0 };
    const body = $("preview-entries").tBodies[0];
    body.replaceChildren();
    for (const e of p.entries) {
      counts[e.verdict]++;
      const row = document.createElement("tr");
      row.dataset.messageId = e.messageId;
      row.dataset.verdict = e.verdict;
      cell(row, String(e.position), "pos num");
      cell(row, e.messageId, "message id");
      cell(row, e.type, "type");
      cell(row, verdictText[e.verdict] || e.verdict, `verdict verdict-${e.verdict}`);
      cell(row, e.reason || "", "reason");
      body.appendChild(row);
    }
    let summary = `${p.entries.length} of ${p.pendingCount} parked previewed at ${time(view.now)}: ` +
      Object.entries(counts).map(([k, n]) => `${verdictText[k]} ${n}`).join(", ") + ". Nothing was written.";
    if (p.stopsAt !== null && p.stopsAt !== undefined) summary += ` Replay would stop at position ${p.stopsAt}; the rest stay parked.`;
    $("preview-summary").textContent = summary;
    $("preview-data").textContent = view.data !== null && view.data !== undefined
      ? JSON.stringify(view.data, null, 2)
      : (view.dataError || "(no data)");
    $("preview").hidden = false;
  }

  async function runPreview() {
    const id = openId();
    if (!id) return;
    $("preview-run").disabled = true;
    try {
      renderPreview(await getJson("api/preview?id=" + encodeURIComponent(id)));
      showError($("preview-error"), null);
    } catch (error) {
      showError($("preview-error"), error);
    } finally {
      $("preview-run").disabled = false;
    }
  }

  // Operators' actions: each asks for confirmation and a reason, then POSTs; the answer says who did what.
  function ask(action, target, text, extra) {
    if (!canAct || !target) return;
    asked = { action, body: Object.assign({ target }, extra || {}) };
    $("confirm-text").textContent = text;
    $("confirm-reason").value = "";
    $("confirm-ok").disabled = true;
    $("confirm").hidden = false;
    $("confirm-reason").focus();
  }

  function closeConfirm() {
    asked = null;
    $("confirm").hidden = true;
  }

  async function confirmAction() {
    if (!asked) return;
    const { action, body } = asked;
    body.reason = $("confirm-reason").value.trim();
    closeConfirm();
    const result = $("action-result");
    result.hidden = false;
    result.dataset.state = "running";
    result.textContent = `${action} of ${body.target}…`;
    try {
      const response = await fetch("api/actions/" + action, {
        method: "POST", cache: "no-store", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      if (!response.ok) {
        let detail = `${response.status} ${response.statusText}`;
        try { const problem = await response.json(); if (problem.detail) detail = problem.detail; } catch { /* not JSON */ }
        throw new Error(detail);
      }
      const view = await response.json();
      result.dataset.state = "done";
      result.textContent = `${view.action} of ${view.target} by ${view.actor} at ${time(view.at)}: ${view.outcome}. Reason: ${view.reason}`;
    } catch (error) {
      result.dataset.state = "failed";
      result.textContent = `${action} of ${body.target} failed: ${error.message || error}`;
    }
    refresh();
  }

  function renderActions(status) {
    $("detail-actions").hidden = !canAct;
    $("act-begin").hidden = status.mode !== "Normal";
    $("act-retry").hidden = status.mode !== "Faulted";
    $("act-skip").hidden = status.mode !== "Faulted";
  }

  function openId() {
    const hash = location.hash.startsWith("#tx=") ? location.hash.slice(4) : "";
    try { return hash ? decodeURIComponent(hash) : ""; } catch { return ""; }
  }

  function open(id) {
    location.hash = "tx=" + encodeURIComponent(id);
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      renderList(await getJson("api/transactions"));
      showError($("error"), null);
    } catch (error) {
      showError($("error"), error);
    }

    const id = openId();
    $("detail").hidden = !id;
    if (id) {
      $("detail-id").textContent = id;
      if (pendingOf !== id) {
        // Another transaction: start from its first parked message, and drop the previous one's preview.
        pendingOf = id;
        pendingFrom = 0;
        $("preview").hidden = true;
        showError($("preview-error"), null);
      }
      try {
        const detail = await getJson("api/transaction?id=" + encodeURIComponent(id));
        renderDetail(detail);
        renderActions(detail.status);
        renderPending(await getJson(`api/pending?id=${encodeURIComponent(id)}&from=${pendingFrom}&take=${pageSize}`));
        showError($("detail-error"), null);
      } catch (error) {
        showError($("detail-error"), error);
      }
    }
    timer = setTimeout(refresh, refreshMs);
  }

  async function start() {
    try {
      const settings = await getJson("api/settings");
      refreshMs = settings.refreshMilliseconds || refreshMs;
      canAct = settings.canAct === true;
      $("operator").textContent = canAct ? `Operator: ${settings.actor}`
        : settings.operatorPolicy ? `Read-only for ${settings.actor}` : "Read-only";
      $("operations").hidden = !canAct;
      if (canAct) $("footer").textContent = "Actions ask for a reason and are recorded with your name. recoveryctl does the same from a terminal.";
      if (settings.dashboardUrl) {
        const link = $("dashboard-link");
        link.href = settings.dashboardUrl;
        link.hidden = false;
      }
    } catch (error) {
      showError($("error"), error);
    }
    $("filter").addEventListener("change", (e) => { filter = e.target.value; refresh(); });
    $("open-form").addEventListener("submit", (e) => { e.preventDefault(); const v = $("open-id").value.trim(); if (v) open(v); });
    $("detail-close").addEventListener("click", () => { history.replaceState(null, "", location.pathname + location.search); refresh(); });
    $("pending-prev").addEventListener("click", () => { pendingFrom = Math.max(0, pendingFrom - pageSize); refresh(); });
    $("pending-next").addEventListener("click", (e) => { const next = Number(e.target.dataset.next); if (next > 0) { pendingFrom = next; refresh(); } });
    $("preview-run").addEventListener("click", runPreview);
    const value = (id) => $(id).value.trim();
    $("act-begin").addEventListener("click", () => ask("begin-recovery", openId(), `Put transaction ${openId()} into recovery? Its normal messages are parked until a recovery message completes it.`));
    $("act-retry").addEventListener("click", () => ask("retry", openId(), `Apply the held message of ${openId()} again now?`));
    $("act-skip").addEventListener("click", () => ask("skip", openId(), `Give up on the held message of ${openId()}? It is kept in the rejection history; the transaction returns to Normal and replays what was parked.`));
    $("act-scope-open").addEventListener("click", () => ask("scope-open", value("scope-name"), `Open recovery scope ${value("scope-name")}? Every transaction of it enters recovery on its next message.`));
    $("act-scope-close").addEventListener("click", () => ask("scope-close", value("scope-name"), `Close recovery scope ${value("scope-name")}? No further transaction enters recovery for it.`));
    $("act-campaign-start").addEventListener("click", () => ask("campaign-start", value("campaign-id"), `Start campaign ${value("campaign-id")}? Its members enter recovery in order.`));
    $("act-campaign-complete").addEventListener("click", () => ask("campaign-complete", value("campaign-id"),
      `Send '${value("campaign-type")}' to every entered member of campaign ${value("campaign-id")}?`, { type: value("campaign-type"), payload: $("campaign-payload").value }));
    $("confirm-reason").addEventListener("input", () => { $("confirm-ok").disabled = !value("confirm-reason"); });
    $("confirm-ok").addEventListener("click", confirmAction);
    $("confirm-cancel").addEventListener("click", closeConfirm);
    for (const form of [$("scope-form"), $("campaign-form")]) form.addEventListener("submit", (e) => e.preventDefault());
    window.addEventListener("hashchange", refresh);
    refresh();
  }

  start();
})();
