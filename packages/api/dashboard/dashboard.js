// The live operations page. Plain ES module, no build step: it reads `GET /v1/analytics/live`
// every few seconds with the key the user entered (kept in this tab's sessionStorage, sent only
// as the x-api-key header) and draws with uPlot, served from the installed package.

const KEY_STORAGE = "travel.dashboard.apiKey";
const TENANT_STORAGE = "travel.dashboard.tenant";
const POLL_MS = 2_000;

const $ = (id) => document.getElementById(id);
const el = {
  form: $("key-form"),
  key: $("api-key"),
  session: $("session"),
  tenant: $("tenant"),
  tenantPair: $("tenant-pair"),
  scopeNote: $("scope-note"),
  minutes: $("minutes"),
  pause: $("pause"),
  forget: $("forget"),
  message: $("message"),
  status: $("status"),
  board: $("board"),
};

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const percent = (ratio) => `${numberFormat.format(ratio * 100)} %`;

let timer;
let paused = false;
let inFlight;
const charts = {};
let firstChartMarked = false;

function showMessage(text) {
  el.message.textContent = text;
  el.message.hidden = !text;
}

function storedKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? "";
}

function signedIn(isIn) {
  el.form.hidden = isIn;
  el.session.hidden = !isIn;
  if (!isIn) {
    el.board.hidden = true;
    el.status.textContent = "";
  }
}

function stop() {
  clearTimeout(timer);
  timer = undefined;
  inFlight?.abort();
}

function schedule(delay = POLL_MS) {
  clearTimeout(timer);
  if (!paused && !document.hidden && storedKey()) timer = setTimeout(poll, delay);
}

async function poll() {
  const key = storedKey();
  if (!key) return;
  const params = new URLSearchParams({ minutes: el.minutes.value });
  const tenant = sessionStorage.getItem(TENANT_STORAGE);
  if (tenant) params.set("tenantId", tenant);
  inFlight = new AbortController();
  try {
    const res = await fetch(`/v1/analytics/live?${params}`, {
      headers: { "x-api-key": key, accept: "application/json" },
      signal: inFlight.signal,
      cache: "no-store",
    });
    if (res.status === 401)
      return refused(
        "That API key was not accepted (401 unauthorized). Check it and enter it again.",
      );
    if (res.status === 403) {
      const problem = await res.json().catch(() => ({}));
      if (tenant) {
        sessionStorage.removeItem(TENANT_STORAGE);
        showMessage(problem.detail ?? "This key may not see that tenant.");
        return schedule(0);
      }
      return refused(
        `This API key cannot read live figures: ${problem.detail ?? "it lacks the analytics scope"} (403 forbidden).`,
      );
    }
    if (res.status === 429) {
      const retry = Number(res.headers.get("retry-after") ?? 5);
      el.status.textContent = `Rate limited; retrying in ${retry} s.`;
      return schedule(retry * 1000);
    }
    if (!res.ok) {
      const problem = await res.json().catch(() => ({}));
      el.status.textContent = `The API answered ${res.status}${problem.detail ? `: ${problem.detail}` : ""}; retrying.`;
      return schedule(POLL_MS * 2);
    }
    const live = await res.json();
    showMessage("");
    render(live);
    el.status.textContent = `Updated ${new Date(live.generatedAt).toLocaleTimeString()} · every ${POLL_MS / 1000} s`;
    schedule();
  } catch (error) {
    if (error.name === "AbortError") return;
    el.status.textContent = `Cannot reach the API (${error.message}); retrying.`;
    schedule(POLL_MS * 2);
  }
}

function refused(text) {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(TENANT_STORAGE);
  stop();
  signedIn(false);
  showMessage(text);
  el.key.value = "";
  el.key.focus();
}

function setText(id, text) {
  const node = $(id);
  if (node.textContent !== text) node.textContent = text;
}

function render(live) {
  el.board.hidden = false;
  renderTenant(live);
  const rows = live.perMinute;
  const thisMinute = rows.at(-1) ?? { searches: 0, bookings: 0 };
  setText("t-searches-rate", numberFormat.format(thisMinute.searches));
  setText("t-bookings-rate", numberFormat.format(thisMinute.bookings));
  setText("t-searches", numberFormat.format(live.totals.searches));
  setText("t-bookings", numberFormat.format(live.totals.bookings));
  setText("t-hit-ratio", live.totals.searches ? percent(live.totals.cacheHitRatio) : "–");
  setText("t-fresh", live.totals.cacheHits ? percent(live.totals.freshRatio) : "–");
  setText(
    "t-lag",
    live.stream.lagSeconds === null ? "–" : `${numberFormat.format(live.stream.lagSeconds)} s`,
  );
  setText(
    "t-dead",
    live.stream.deadLettered === null ? "n/a" : numberFormat.format(live.stream.deadLettered),
  );
  renderCharts(rows);
  renderHealth(live);
  renderTable(
    "latency",
    live.latency.map((l) => [l.route, l.count, l.p50Ms, l.p99Ms]),
    "No requests in the last 5 minutes",
  );
  renderTable(
    "routes",
    live.topRoutes.map((r) => [r.route, r.searches, r.bookings]),
    "No searches or bookings in the window",
  );
  renderTable(
    "revenue",
    live.totals.revenue.map((m) => [m.currency, formatMoney(m)]),
    "No confirmed bookings in the window",
  );
}

function renderTenant(live) {
  el.tenantPair.hidden = !live.platform;
  if (live.platform) {
    const wanted = ["", ...live.tenants];
    if (live.tenantId && !wanted.includes(live.tenantId)) wanted.push(live.tenantId);
    const current = [...el.tenant.options].map((o) => o.value);
    if (current.join("\u0000") !== wanted.join("\u0000")) {
      el.tenant.replaceChildren(
        ...wanted.map((value) => new Option(value === "" ? "All tenants" : value, value)),
      );
    }
    el.tenant.value = live.tenantId ?? "";
    el.scopeNote.textContent = "platform key";
  } else {
    el.scopeNote.textContent = `tenant ${live.tenantId}`;
  }
}

function formatMoney({ amount, currency }) {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

function renderTable(id, rows, empty) {
  const body = $(id);
  const cells = rows.map((row) => {
    const tr = document.createElement("tr");
    row.forEach((value, i) => {
      const td = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) td.scope = "row";
      else td.className = "num";
      td.textContent = typeof value === "number" ? numberFormat.format(value) : value;
      tr.append(td);
    });
    return tr;
  });
  if (cells.length === 0) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = body.closest("table").querySelectorAll("thead th").length;
    td.className = "empty";
    td.textContent = empty;
    tr.append(td);
    cells.push(tr);
  }
  body.replaceChildren(...cells);
}

function renderHealth(live) {
  const { health, stream } = live;
  const items = [
    ["DynamoDB", health.dynamodb],
    [`Cache (${health.cacheBackend})`, health.cache],
    ["Cache breaker", health.cacheBreaker],
    ["Cache errors (process)", String(health.cacheErrors)],
    ["Stream records queued", stream.queued === null ? "n/a" : String(stream.queued)],
  ];
  const nodes = items.flatMap(([term, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    if (value === "ok" || value === "closed") dd.className = "ok";
    if (value === "down" || value === "open") dd.className = "down";
    return [dt, dd];
  });
  $("health").replaceChildren(...nodes);
}

function chartSize(container) {
  const width = Math.max(240, Math.floor(container.clientWidth));
  return { width, height: 220 };
}

function makeChart(id, series, axisLabel) {
  const container = $(id);
  const opts = {
    ...chartSize(container),
    scales: { x: { time: true } },
    series: [{}, ...series],
    axes: [{}, { label: axisLabel, size: 50 }],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
  const chart = new uPlot(opts, [[], ...series.map(() => [])], container);
  new ResizeObserver(() => chart.setSize(chartSize(container))).observe(container);
  return chart;
}

function renderCharts(rows) {
  if (typeof uPlot === "undefined") return;
  charts.traffic ??= makeChart(
    "c-traffic",
    [
      { label: "Searches", stroke: "#1d4ed8", width: 2, fill: "rgba(29,78,216,0.08)" },
      { label: "Bookings", stroke: "#b45309", width: 2, dash: [6, 3] },
    ],
    "per minute",
  );
  charts.hits ??= makeChart(
    "c-hits",
    [{ label: "Hit ratio %", stroke: "#15803d", width: 2, spanGaps: true }],
    "%",
  );
  const x = rows.map((r) => Date.parse(r.minute) / 1000);
  charts.traffic.setData([x, rows.map((r) => r.searches), rows.map((r) => r.bookings)]);
  charts.hits.setData([
    x,
    rows.map((r) => (r.searches ? Math.round((r.cacheHits / r.searches) * 1000) / 10 : null)),
  ]);
  const peak = Math.max(0, ...rows.map((r) => r.searches));
  const now = rows.at(-1) ?? { searches: 0, bookings: 0 };
  const sum = (key) => rows.reduce((total, r) => total + r[key], 0);
  $("c-traffic-desc").textContent =
    `Over the last ${rows.length} minutes: ${sum("searches")} searches and ${sum("bookings")} bookings, at most ${peak} searches in one minute; this minute so far ${now.searches} searches and ${now.bookings} bookings.`;
  $("c-hits-desc").textContent = now.searches
    ? `This minute's cache hit ratio: ${Math.round((now.cacheHits / now.searches) * 100)} %.`
    : "No searches this minute.";
  if (!firstChartMarked) {
    firstChartMarked = true;
    performance.mark("dashboard:first-chart");
  }
}

el.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const key = el.key.value.trim();
  if (!key) return;
  sessionStorage.setItem(KEY_STORAGE, key);
  el.key.value = "";
  showMessage("");
  signedIn(true);
  el.status.textContent = "Loading…";
  schedule(0);
});

el.tenant.addEventListener("change", () => {
  if (el.tenant.value) sessionStorage.setItem(TENANT_STORAGE, el.tenant.value);
  else sessionStorage.removeItem(TENANT_STORAGE);
  stop();
  schedule(0);
});

el.minutes.addEventListener("change", () => {
  stop();
  schedule(0);
});

el.pause.addEventListener("click", () => {
  paused = !paused;
  el.pause.setAttribute("aria-pressed", String(paused));
  el.pause.textContent = paused ? "Resume" : "Pause";
  if (paused) {
    stop();
    el.status.textContent = "Paused.";
  } else schedule(0);
});

el.forget.addEventListener("click", () => {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(TENANT_STORAGE);
  stop();
  signedIn(false);
  el.key.focus();
});

document.addEventListener("visibilitychange", () => {
  if (document.hidden) stop();
  else schedule(0);
});

// uPlot is loaded with `defer` and this module runs after it.
if (storedKey()) {
  signedIn(true);
  schedule(0);
} else {
  signedIn(false);
}
