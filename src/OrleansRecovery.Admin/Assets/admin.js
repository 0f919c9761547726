// The OrleansRecovery admin page: polls the registry (api/transactions), the campaigns and scopes in progress (api/operations),
// the cluster chart's samples (api/history) and, when one is open, a transaction (api/transaction), all every refresh interval.
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

  // Charts: inline SVG drawn here (no library). Every series is a polyline with data-series and data-count, so a test (or a
  // curious operator) can tell how many points were drawn; the svg's data-points is the total.
  const svgNs = "http://www.w3.org/2000/svg";

  function svgEl(name, attrs, parent) {
    const element = document.createElementNS(svgNs, name);
    for (const [key, value] of Object.entries(attrs || {})) element.setAttribute(key, String(value));
    if (parent) parent.appendChild(element);
    return element;
  }

  const clock = (ms) => new Date(ms).toISOString().slice(11, 19);

  // series: [{ name, cls, points: [{ t, v }] }]; opts: { step, markers: [{ t, v, cls, label }], empty }
  function drawChart(svg, series, opts) {
    svg.replaceChildren();
    // Drawn in the svg's own units (its viewBox), so a wide chart keeps its text size.
    const W = svg.viewBox.baseVal.width || 720, H = svg.viewBox.baseVal.height || 170, L = 48, R = 12, T = 10, B = 22;
    let count = 0, t0 = Infinity, t1 = -Infinity, vmax = 0;
    for (const s of series) {
      for (const p of s.points) {
        count++;
        if (p.t < t0) t0 = p.t;
        if (p.t > t1) t1 = p.t;
        if (p.v > vmax) vmax = p.v;
      }
    }
    svg.dataset.points = String(count);
    if (count === 0) {
      svgEl("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "chart-empty" }, svg).textContent = opts.empty || "no data yet";
      return;
    }
    if (t1 - t0 < 1000) { t0 -= 500; t1 += 500; }
    // A round top: 1, 2 or 5 times a power of ten, at least 1.
    const magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(1, vmax))));
    const top = [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= vmax) || 1;
    const x = (t) => (L + (t - t0) / (t1 - t0) * (W - L - R)).toFixed(1);
    const y = (v) => (T + (1 - v / top) * (H - T - B)).toFixed(1);
    for (const v of [0, top / 2, top]) {
      svgEl("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }, svg);
      svgEl("text", { x: L - 6, y: Number(y(v)) + 4, "text-anchor": "end", class: "axis" }, svg).textContent = String(Math.round(v * 10) / 10);
    }
    svgEl("text", { x: L, y: H - 6, class: "axis" }, svg).textContent = clock(t0);
    svgEl("text", { x: W - R, y: H - 6, "text-anchor": "end", class: "axis" }, svg).textContent = clock(t1);
    for (const s of series) {
      const coords = [];
      s.points.forEach((p, i) => {
        if (opts.step && i > 0) coords.push(`${x(p.t)},${y(s.points[i - 1].v)}`);
        coords.push(`${x(p.t)},${y(p.v)}`);
      });
      if (coords.length === 1) coords.push(coords[0]);
      const line = svgEl("polyline", { points: coords.join(" "), class: `line ${s.cls}` }, svg);
      line.dataset.series = s.name;
      line.dataset.count = String(s.points.length);
      svgEl("title", {}, line).textContent = `${s.name}: now ${s.points[s.points.length - 1].v}`;
    }
    for (const m of opts.markers || []) {
      const dot = svgEl("circle", { cx: x(m.t), cy: y(m.v), r: 4.5, class: `marker ${m.cls}` }, svg);
      svgEl("title", {}, dot).textContent = m.label;
    }
  }

  function renderHistory(view) {
    const samples = view.samples.map((s) => ({ t: Date.parse(s.at), s }));
    const series = (name, pick) => ({ name, cls: name, points: samples.map((p) => ({ t: p.t, v: pick(p.s) })) });
    const empty = "no sample yet: this host samples the registry every refresh interval from its start";
    drawChart($("cluster-states"), [
      series("recovering", (s) => s.recovering), series("stuck", (s) => s.stuck),
      series("faulted", (s) => s.faulted), series("replaying", (s) => s.replaying),
    ], { empty });
    drawChart($("cluster-pending"), [series("pending", (s) => s.pending)], { empty });
    $("history-range").textContent = samples.length > 0
      ? `${samples.length} samples every ${view.intervalMilliseconds / 1000} s (at most ${view.capacity}, in this host's memory)` +
        (view.missed > 0 ? `; ${view.missed} missed` : "")
      : "";
  }

  function renderTransactionChart(points) {
    const series = [{ name: "pending", cls: "pending", points: points.map((p) => ({ t: Date.parse(p.at), v: p.depth })) }];
    const markers = points.filter((p) => p.kind).map((p) => ({
      t: Date.parse(p.at), v: p.depth, cls: `marker-${p.kind}`, label: `${timelineText[p.kind] || p.kind} at ${time(p.at)}: ${p.depth} parked`,
    }));
    drawChart($("tx-chart"), series, { step: true, markers, empty: "nothing recorded yet" });
  }

  // The operations panel: one stacked bar per campaign or scope, from its grain's progress, redrawn on every poll.
  function bar(parent, segments, total, thin) {
    const svg = svgEl("svg", { viewBox: "0 0 1000 10", preserveAspectRatio: "none", class: thin ? "bar thin" : "bar" }, parent);
    let at = 0;
    for (const [name, value, label] of segments) {
      if (!(value > 0) || !(total > 0)) continue;
      const width = Math.min(1000 - at, value / total * 1000);
      const rect = svgEl("rect", { x: at.toFixed(1), y: 0, width: width.toFixed(1), height: 10, class: `seg seg-${name}` }, svg);
      rect.dataset.seg = name;
      rect.dataset.value = String(value);
      svgEl("title", {}, rect).textContent = `${label}: ${value}`;
      at += width;
    }
    return svg;
  }

  function line(parent, cls, text) {
    if (!text) return;
    const div = document.createElement("div");
    div.className = cls;
    div.textContent = text;
    parent.appendChild(div);
  }

  function renderOperations(view) {
    const list = $("operations-list");
    list.replaceChildren();
    for (const op of view.operations) {
      const p = op.progress;
      const div = document.createElement("div");
      div.className = "operation";
      div.dataset.kind = op.kind;
      div.dataset.name = op.name;
      div.dataset.listed = String(op.listed);
      div.dataset.state = p ? p.state : "unknown";
      const title = document.createElement("div");
      title.className = "title";
      title.textContent = `${op.kind === "scope" ? "Scope" : "Campaign"} ${op.name}`;
      const state = document.createElement("span");
      state.className = "state";
      state.textContent = op.kind === "scope" && op.scope
        ? (op.scope.isOpen ? `open since ${time(op.scope.openedAt)}` : op.scope.closedAt ? `closed at ${time(op.scope.closedAt)}` : "never opened")
          + (p ? ` · ${p.state}` : "")
        : (p ? p.state : "");
      title.appendChild(state);
      div.appendChild(title);
      if (op.error) {
        line(div, "figures error", op.error);
      } else if (p && op.kind === "campaign") {
        for (const [k, v] of [["members", p.members], ["entered", p.entered], ["completed", p.completed], ["backToNormal", p.backToNormal],
          ["recovering", p.recovering], ["stuck", p.stuck], ["faulted", p.faulted], ["replaying", p.replaying], ["failed", p.failed]]) div.dataset[k] = String(v);
        bar(div, [
          ["backToNormal", p.backToNormal, "back to normal"], ["replaying", p.replaying, "replaying"],
          ["recovering", p.recovering - p.stuck, "recovering"], ["stuck", p.stuck, "stuck"], ["faulted", p.faulted, "faulted"],
          ["failed", p.failed, "failed"], ["waiting", Math.max(0, p.members - p.entered), "not entered yet"],
        ], p.members, false);
        if (p.completed > 0 || p.completionReason) bar(div, [["sent", p.completed, "completion sent"]], p.members, true);
        line(div, "figures", `entered ${p.entered}/${p.members}` + (p.completed > 0 || p.completionReason ? `, completion sent to ${p.completed}` : "") +
          `; ${p.backToNormal} back to normal, ${p.recovering} recovering (${p.stuck} stuck), ${p.faulted} faulted, ${p.replaying} replaying` +
          (p.failed > 0 ? `, ${p.failed} failed` : "") + rateText(p));
        line(div, "why", `created ${time(p.createdAt)}: ${p.reason}`);
        line(div, "why start-reason", p.startReason ? `started: ${p.startReason}` : "");
        line(div, "why completion-reason", p.completionReason ? `completion: ${p.completionReason}` : "");
      } else if (p) {
        for (const [k, v] of [["members", p.members], ["recovering", p.recovering], ["stuck", p.stuck], ["faulted", p.faulted], ["replaying", p.replaying]]) div.dataset[k] = String(v);
        bar(div, [
          ["replaying", p.replaying, "replaying"], ["recovering", p.recovering - p.stuck, "recovering"], ["stuck", p.stuck, "stuck"],
          ["faulted", p.faulted, "faulted"],
        ], p.members, false);
        line(div, "figures", `${p.members} listed: ${p.recovering} recovering (${p.stuck} stuck), ${p.faulted} faulted, ${p.replaying} replaying` + rateText(p));
      }
      if (op.kind === "scope" && op.scope) {
        line(div, "why", op.scope.reason ? `opened: ${op.scope.reason}` : "");
        line(div, "why close-reason", op.scope.closeReason ? `closed: ${op.scope.closeReason}` : "");
      }
      list.appendChild(div);
    }
    $("operations-empty").hidden = view.operations.length > 0;
  }

  function rateText(p) {
    if (p.state === "Done") return "";
    if (p.ratePerSecond === null || p.ratePerSecond === undefined) return "; rate not measured yet";
    return `; ${p.ratePerSecond.toFixed(2)} back to normal per second` + (p.estimatedRemaining ? `, about ${p.estimatedRemaining.split(".")[0]} left` : "");
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
    renderTransactionChart(view.pendingSeries || []);
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
    // The list, the campaigns and scopes, and the cluster chart are asked for together; each shows its own error.
    const [list, operations, history] = await Promise.allSettled([getJson("api/transactions"), getJson("api/operations"), getJson("api/history")]);
    if (list.status === "fulfilled") { renderList(list.value); showError($("error"), null); } else showError($("error"), list.reason);
    if (operations.status === "fulfilled") { renderOperations(operations.value); showError($("operations-error"), null); }
    else showError($("operations-error"), operations.reason);
    if (history.status === "fulfilled") renderHistory(history.value);

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
