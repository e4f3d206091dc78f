/* spinscan web page, Compare view: two articles side by side, as `spinscan compare` prints them. */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const { el, label } = window.Spinscan; // app.js loads first

  // What is set side by side for one article (the CLI's compare.profile, in the browser).
  function profile(a) {
    const kept = a.paragraphs.filter((p) => !p.skipped);
    const words = Math.max(1, kept.reduce((n, p) => n + p.text.split(/\s+/).filter(Boolean).length, 0));
    const spans = {}, quoted = {};
    kept.forEach((p) => p.spans.forEach((s) => {
      spans[s.technique] = (spans[s.technique] || 0) + 1;
      if (s.voice === "quoted") quoted[s.technique] = (quoted[s.technique] || 0) + 1;
    }));
    return { genre: a.genre, score: a.genre_scores[a.genre], frames: a.frames, words, spans, quoted, used: new Set(Object.keys(a.techniques)) };
  }

  function render(pa, pb, box) {
    const rate = (p, t) => (p.spans[t] ? `${((1000 * p.spans[t]) / p.words).toFixed(1)} per 1,000 words` +
      (p.quoted[t] ? ` (${p.quoted[t]} of ${p.spans[t]} in quotes)` : "") : "–");
    const names = [...new Set([...Object.keys(pa.spans), ...Object.keys(pb.spans)])]
      .sort((x, y) => ((pb.spans[y] || 0) + (pa.spans[y] || 0)) - ((pb.spans[x] || 0) + (pa.spans[x] || 0)));
    const row = (name, x, y) => el("tr", {}, el("th", { scope: "row", text: name }), el("td", { text: x }), el("td", { text: y }));
    const body = el("tbody", {},
      row("genre", `${pa.genre} ${pa.score.toFixed(2)}`, `${pb.genre} ${pb.score.toFixed(2)}`),
      row("frames", pa.frames.map(label).join(", ") || "–", pb.frames.map(label).join(", ") || "–"),
      row("words analysed", String(pa.words), String(pb.words)),
      ...names.map((t) => row(label(t), rate(pa, t), rate(pb, t))));
    const table = el("table", { class: "compare" },
      el("thead", {}, el("tr", {}, el("th", { text: "" }), el("th", { text: "Article A" }), el("th", { text: "Article B" }))), body);
    const list = (xs) => xs.map(label).join(", ") || "none";
    const shared = [...pa.used].filter((t) => pb.used.has(t)).sort();
    const onlyA = [...pa.used].filter((t) => !pb.used.has(t)).sort();
    const onlyB = [...pb.used].filter((t) => !pa.used.has(t)).sort();
    box.replaceChildren(el("section", { class: "card" }, el("h2", { text: "Side by side" }), table,
      el("p", { class: "cmp-shared", text: `Both use: ${list(shared)}.` }),
      el("p", { class: "cmp-only-a", text: `Only A: ${list(onlyA)}.` }),
      el("p", { class: "cmp-only-b", text: `Only B: ${list(onlyB)}.` })));
  }

  function say(msg, isError) {
    const s = $("cmp-status");
    s.textContent = msg;
    s.classList.toggle("error", !!isError);
  }

  async function analyse(text) {
    const r = await fetch("/v1/analyze", { method: "POST", body: JSON.stringify({ text }), headers: { "Content-Type": "application/json" } });
    const data = await r.json();
    if (!r.ok) throw new Error(data.error ? data.error.message : `error ${r.status}`);
    return data;
  }

  function init() {
    const form = $("cmp-form");
    if (!form) return;
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const a = $("cmp-a").value, b = $("cmp-b").value;
      if (!a.trim() || !b.trim()) { say("Please paste two articles.", true); return; }
      say("Analysing both…");
      $("compare").disabled = true;
      try {
        const [ra, rb] = await Promise.all([analyse(a), analyse(b)]);
        render(profile(ra), profile(rb), $("cmp-result"));
        say("Compared.");
      } catch (e) { say(`Article ${e.message}`, true); }
      finally { $("compare").disabled = false; }
    });
  }

  window.SpinscanCompare = { init, profile };
})();
