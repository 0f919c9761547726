// The OrleansRecovery admin page: polls the registry (api/transactions) and, when one is open, a transaction (api/transaction).
// Every value reaches the page through textContent, never as markup: transaction ids, reasons and payloads are other people's input.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let refreshMs = 2000;
  let timer = 0;
  let filter = "all";

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
    $("detail-data").textContent = view.data !== null && view.data !== undefined
      ? JSON.stringify(view.data, null, 2)
      : (view.dataError || "(no data yet)");
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
      try {
        renderDetail(await getJson("api/transaction?id=" + encodeURIComponent(id)));
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
    window.addEventListener("hashchange", refresh);
    refresh();
  }

  start();
})();
