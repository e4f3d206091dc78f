/* spinscan web page, Corpus view: statistics of a batch store (/v1/corpus) and its articles. */
(function () {
  "use strict";

  const LINE_COLOURS = ["#2748c9", "#c0392b", "#16a085", "#8e44ad", "#d35400", "#2c3e50", "#7f8c00", "#b03a78"];
  const state = { what: "techniques", by: "source", technique: "", source: "", lang: "", since: "", until: "", model: "", offset: 0 };
  const PAGE = 25;
  let info = null;

  const $ = (id) => document.getElementById(id);
  const { el, label } = window.Spinscan; // app.js loads first
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  async function api(path, params) {
    const q = new URLSearchParams(Object.entries(params || {}).filter(([, v]) => v !== "" && v != null));
    const r = await fetch(path + (q.toString() ? `?${q}` : ""));
    const data = await r.json();
    if (!r.ok) { const e = new Error(data.error ? data.error.message : `error ${r.status}`); e.status = r.status; throw e; }
    return data;
  }

  function say(msg, isError) {
    const s = $("corpus-status");
    s.textContent = msg;
    s.classList.toggle("error", !!isError);
  }

  /* --- tabs --------------------------------------------------------------------------------- */
  function showTab(name) {
    for (const t of ["analyse", "compare", "corpus"]) {
      $(`tab-${t}`).setAttribute("aria-selected", String(t === name));
      $(`view-${t}`).hidden = t !== name;
    }
    if (name === "corpus") openCorpus();
  }

  async function openCorpus() {
    if (info) return;
    say("Loading the corpus…");
    try {
      info = await api("/v1/corpus");
    } catch (e) {
      say(e.status === 404 ? `No corpus here: ${e.message}` : e.message, true);
      return;
    }
    buildFilters();
    await refresh();
  }

  /* --- filters ------------------------------------------------------------------------------ */
  function select(id, text, options, value) {
    const s = el("select", { id, name: id });
    for (const [v, t] of options) { const o = el("option", { value: v, text: t }); if (v === value) o.selected = true; s.append(o); }
    s.addEventListener("change", () => { state[id.replace("c-", "")] = s.value; state.offset = 0; refresh(); });
    return el("label", { for: id }, `${text} `, s);
  }

  function buildFilters() {
    const any = (xs, t = "all") => [["", t], ...xs.map((x) => [x, label(x)])];
    const f = $("corpus-filters");
    f.addEventListener("submit", (ev) => ev.preventDefault());
    f.replaceChildren(
      select("c-what", "Show", [["techniques", "techniques"], ["frames", "frames"], ["genres", "genres"]], state.what),
      select("c-by", "by", [["source", "outlet"], ["month", "month"], ["week", "week"], ["day", "day"], ["lang", "language"], ["none", "(all articles)"]], state.by),
      select("c-source", "Outlet", any(info.sources), state.source),
      select("c-lang", "Language", any(info.langs), state.lang),
      select("c-technique", "Technique", any(info.techniques, "any"), state.technique),
      select("c-since", "From", any(info.months, "start"), state.since),
      select("c-until", "to", any(info.months, "end"), state.until));
    if (info.models.length > 1) {
      f.append(select("c-model", "Model", info.models.map((m) => [m.model, `${m.model} (${m.ok})`]), info.model));
      state.model = info.model;
    }
    $("corpus-summary").textContent =
      `${info.ok} articles analysed, ${info.errors} recorded as errors · ${info.sources.length} outlets · ` +
      `${info.langs.length} languages · model ${info.model}`;
    if (info.errors) api("/v1/corpus/errors", { model: info.model, limit: 100 }).then(drawErrors).catch(() => drawErrors(null));
    else drawErrors(null);
  }

  /* --- the articles recorded as errors: what failed and why (the batch went on past them) ---- */
  function drawErrors(res) {
    const box = $("corpus-errors");
    if (!box) return;
    box.replaceChildren();
    box.hidden = !res || !res.total;
    if (box.hidden) return;
    const rows = res.errors.map((r) => el("tr", {},
      el("td", { text: r.id }), el("td", { text: r.source || "" }),
      el("td", {}, el("code", { text: r.error_code || "" })), el("td", { text: r.error || "" })));
    const more = res.total > res.errors.length ? ` (the first ${res.errors.length})` : "";
    box.append(el("details", {},
      el("summary", { text: `${res.total} articles recorded as errors${more}: what failed and why` }),
      el("table", { class: "errors" },
        el("thead", {}, el("tr", {}, ...["id", "outlet", "code", "error"].map((h) => el("th", { text: h })))),
        el("tbody", {}, ...rows))));
  }

  async function refresh() {
    const filters = { technique: state.technique, source: state.source, lang: state.lang, since: state.since, until: state.until, model: state.model };
    say("Loading…");
    try {
      const [stats, list] = await Promise.all([
        api("/v1/corpus/stats", { what: state.what, by: state.by, ...filters }),
        api("/v1/corpus/articles", { ...filters, limit: PAGE, offset: state.offset })]);
      drawChart(stats);
      drawList(list);
      say(`${list.total} articles match.`);
    } catch (e) { say(e.message, true); }
  }

  /* --- charts: the same three kinds as `spinscan stats --chart` ------------------------------ */
  function drawChart(t) {
    const box = $("corpus-chart");
    const overTime = ["month", "week", "day"].includes(t.by);
    const top = t.labels.slice(0, overTime ? 8 : 12);
    const idx = top.map((l) => t.labels.indexOf(l));
    const title = el("h3", { text: `${label(t.what)}: share of articles${t.by ? " by " + (t.by === "source" ? "outlet" : t.by) : ""}` });
    if (!t.groups.length || !top.length) { box.replaceChildren(title, el("p", { text: "No analysed article matches these filters." })); return; }
    if (overTime) box.replaceChildren(title, lineChart(t, top, idx));
    else if (t.by) box.replaceChildren(title, heatmap(t, top, idx));
    else box.replaceChildren(title, bars(t, top, idx));
  }

  function heatmap(t, top, idx) {
    const table = el("table", { class: "heatmap" });
    table.append(el("caption", { text: "% of the outlet's (or language's) articles that use each; n = articles" }));
    const head = el("tr", {}, el("th", { scope: "col", text: "" }));
    top.forEach((l) => head.append(el("th", { scope: "col", text: label(l) })));
    table.append(el("thead", {}, head));
    const body = el("tbody");
    t.groups.forEach((g, i) => {
      const row = el("tr", {}, el("th", { scope: "row", text: `${g} (n=${t.articles[i]})` }));
      idx.forEach((k, j) => {
        const v = t.shares[i][k];
        row.append(el("td", { class: "cell", style: `background: rgba(211, 84, 0, ${(0.08 + 0.85 * v).toFixed(2)})`,
          title: `${g}, ${label(top[j])}: ${Math.round(v * 100)}% (${t.counts[i][k]} of ${t.articles[i]})`, text: `${Math.round(v * 100)}` }));
      });
      body.append(row);
    });
    table.append(body);
    return el("div", { class: "scroll" }, table);
  }

  function lineChart(t, top, idx) {
    const rows = t.groups.map((g, i) => [g, i]).filter(([g]) => g !== "(no date)");
    const W = 720, H = 300, L = 44, R = 36, T = 12, B = 48;
    const x = (k) => L + (rows.length === 1 ? (W - L - R) / 2 : (k * (W - L - R)) / (rows.length - 1));
    const y = (v) => T + (1 - v) * (H - T - B);
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "linechart", role: "img",
      "aria-label": `Share of articles per ${t.by} for ${top.map(label).join(", ")}` });
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      chart.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }),
        svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" }, `${v * 100}%`));
    }
    rows.forEach(([g], k) => chart.append(svg("text", { x: x(k), y: H - B + 18, "text-anchor": "middle", class: "axis" }, g)));
    const legend = el("ul", { class: "chart-legend" });
    idx.forEach((col, j) => {
      const colour = LINE_COLOURS[j % LINE_COLOURS.length];
      const pts = rows.map(([, i], k) => `${x(k)},${y(t.shares[i][col])}`).join(" ");
      const series = svg("g", { class: "series", "data-label": top[j] },
        svg("polyline", { points: pts, fill: "none", stroke: colour, "stroke-width": 2 }));
      rows.forEach(([g, i], k) => series.append(svg("circle", { cx: x(k), cy: y(t.shares[i][col]), r: 3.5, fill: colour },
        svg("title", {}, `${label(top[j])}, ${g}: ${Math.round(100 * t.shares[i][col])}% (${t.counts[i][col]} of ${t.articles[i]})`))));
      chart.append(series);
      legend.append(el("li", {}, el("span", { class: "swatch", style: `background:${colour}` }), ` ${label(top[j])}`));
    });
    return el("div", {}, el("div", { class: "scroll" }, chart), legend);
  }

  function bars(t, top, idx) {
    const box = el("div", { class: "bars" });
    idx.forEach((k, j) => box.append(el("div", { class: "bar-row" },
      el("span", { class: "bar-name", text: label(top[j]) }),
      el("span", { class: "bar", role: "img", "aria-label": `${label(top[j])}: ${Math.round(100 * t.shares[0][k])}%` },
        el("span", { class: "bar-fill", style: `width:${100 * t.shares[0][k]}%` })),
      el("span", { class: "bar-value", text: `${Math.round(100 * t.shares[0][k])}%` }))));
    return box;
  }

  /* --- the article list --------------------------------------------------------------------- */
  function drawList(list) {
    const box = $("corpus-articles");
    const table = el("table", { class: "articles" },
      el("thead", {}, el("tr", {}, ...["Article", "Outlet", "Date", "Lang", "Genre", "Main techniques"].map((h) => el("th", { scope: "col", text: h })))));
    const body = el("tbody");
    for (const a of list.articles) {
      const open = el("button", { type: "button", class: "link", "data-pk": a.pk, onclick: () => openArticle(a.pk) }, a.title || a.id);
      body.append(el("tr", {}, el("td", {}, open), el("td", { text: a.source || "" }), el("td", { text: a.date || "" }),
        el("td", { text: a.lang || "" }), el("td", { text: a.genre || "" }),
        el("td", { text: a.techniques.slice(0, 3).map(label).join(", ") })));
    }
    table.append(body);
    const pager = el("div", { class: "pager" },
      el("button", { type: "button", class: "small", id: "c-prev", onclick: () => { state.offset = Math.max(0, state.offset - PAGE); refresh(); } }, "‹ previous"),
      ` ${list.total ? list.offset + 1 : 0}–${list.offset + list.articles.length} of ${list.total} `,
      el("button", { type: "button", class: "small", id: "c-next", onclick: () => { state.offset += PAGE; refresh(); } }, "next ›"));
    pager.querySelector("#c-prev").disabled = list.offset === 0;
    pager.querySelector("#c-next").disabled = list.offset + list.articles.length >= list.total;
    box.replaceChildren(el("h3", { text: "Articles" }), el("div", { class: "scroll" }, table), pager);
  }

  async function openArticle(pk) {
    say("Opening…");
    try {
      const data = await api(`/v1/corpus/articles/${pk}`);
      const root = $("corpus-article");
      const m = data.meta;
      root.replaceChildren(el("h3", { text: `${m.title || m.id}` }),
        el("p", { class: "meta", text: [m.source, m.date, m.url].filter(Boolean).join(" · ") }));
      const report = el("div");
      root.append(report);
      window.Spinscan.render(data, await window.Spinscan.defs(), report);
      root.scrollIntoView();
      say(`Showing the stored analysis of ${m.id}.`);
    } catch (e) { say(e.message, true); }
  }

  function init() {
    $("tab-analyse").addEventListener("click", () => showTab("analyse"));
    $("tab-corpus").addEventListener("click", () => showTab("corpus"));
    $("tab-compare").addEventListener("click", () => showTab("compare"));
    if (location.hash === "#corpus") showTab("corpus");
  }

  window.SpinscanCorpus = { init, showTab };
})();
