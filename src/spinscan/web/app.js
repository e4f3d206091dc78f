/* spinscan web page: renders an analysis (from the API, or embedded in a static report). */
(function () {
  "use strict";

  const TECHNIQUES = [
    "Appeal_to_Authority", "Appeal_to_Popularity", "Appeal_to_Values", "Appeal_to_Fear-Prejudice",
    "Flag_Waving", "Causal_Oversimplification", "False_Dilemma-No_Choice",
    "Consequential_Oversimplification", "Straw_Man", "Red_Herring", "Whataboutism", "Slogans",
    "Appeal_to_Time", "Conversation_Killer", "Loaded_Language", "Repetition",
    "Exaggeration-Minimisation", "Obfuscation-Vagueness-Confusion", "Name_Calling-Labeling", "Doubt",
    "Guilt_by_Association", "Appeal_to_Hypocrisy", "Questioning_the_Reputation",
  ];
  // One colour per technique, light enough to read text on; the most frequent techniques get the
  // most distinct hues.
  // The eight most frequent techniques (most spans of an article) differ by CIEDE2000 >= 12 in
  // normal vision and under simulated deuteranopia and protanopia (tests/server/test_colours.py);
  // all are light enough for black text (contrast >= 7:1).
  const COLOUR = {
    "Loaded_Language": "#fad542", "Name_Calling-Labeling": "#9cccfc", "Doubt": "#b07efc",
    "Exaggeration-Minimisation": "#fa6742", "Appeal_to_Fear-Prejudice": "#fb60ad", "Repetition": "#9cfcf3",
    "Flag_Waving": "#c4f2a6", "Questioning_the_Reputation": "#e8b0b0", "Causal_Oversimplification": "#bcaaa4",
    "Appeal_to_Authority": "#80cbc4", "Slogans": "#90a4ae", "Appeal_to_Values": "#b39ddb",
    "Appeal_to_Hypocrisy": "#ffcc80", "Conversation_Killer": "#b0bec5", "Guilt_by_Association": "#e8a17d",
    "False_Dilemma-No_Choice": "#9fa8da", "Appeal_to_Popularity": "#80deea", "Appeal_to_Time": "#fff59d",
    "Consequential_Oversimplification": "#d7ccc8", "Obfuscation-Vagueness-Confusion": "#e1bee7",
    "Straw_Man": "#ffe0b2", "Red_Herring": "#f8bbd0", "Whataboutism": "#b2dfdb",
  };

  let current = null; // {data, defs}
  const enabled = new Set(TECHNIQUES);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "style") e.style.cssText = v; // CSSOM: allowed by the page's CSP, a style attribute is not
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }
  const label = (t) => t.replace(/_/g, " ");
  const pct = (x) => `${Math.round(x * 100)}%`;

  function bar(name, score, chosen, colour) {
    return el("div", { class: "bar-row" + (chosen ? " chosen" : "") },
      el("span", { class: "bar-name", text: (chosen ? "✔ " : "") + label(name) }),
      el("span", { class: "bar", role: "img", "aria-label": `${label(name)}: ${pct(score)}` },
        Object.assign(el("span", { class: "bar-fill" }), { style: `width:${pct(score)};${colour ? "background:" + colour : ""}` })),
      el("span", { class: "bar-value", text: score.toFixed(2) }));
  }

  function listed(xs) { return xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`; }
  function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }
  function paraScore(s) { return s.para === undefined ? "" : s.para.toFixed(2); }

  /* --- the article with highlighted spans --------------------------------------------------- */
  function segments(p) {
    // Offsets are Unicode code points (Python); index the text the same way.
    const chars = Array.from(p.text);
    // A span over its whole paragraph is drawn on its focus (the sentence or clause most likely
    // to carry it); the paragraph's label stays in the margin.
    const spans = p.spans.map((s) => {
      const wide = s.focus_start !== null && s.focus_start !== undefined;
      const a = wide ? s.focus_start : s.start, b = wide ? s.focus_end : s.end;
      return { t: s.technique, score: s.score, voice: s.voice, wide, para: p.scores[s.technique],
        a: Math.max(0, a - p.start), b: Math.min(chars.length, b - p.start) };
    }).filter((s) => s.b > s.a);
    // the mentions of the entities the article casts (SemEval-2025 Task 10), underlined
    const ents = [];
    ((current && current.data.entities) || []).forEach((e) => e.mentions.forEach(([s, t]) => {
      if (s >= p.start && t <= p.end) ents.push({ e, a: s - p.start, b: t - p.start });
    }));
    const cuts = new Set([0, chars.length]);
    spans.forEach((s) => { cuts.add(s.a); cuts.add(s.b); });
    ents.forEach((m) => { cuts.add(m.a); cuts.add(m.b); });
    const pts = [...cuts].sort((x, y) => x - y);
    const out = [];
    for (let i = 0; i + 1 < pts.length; i++) {
      const a = pts[i], b = pts[i + 1];
      const active = spans.filter((s) => s.a <= a && s.b >= b);
      const m = ents.find((x) => x.a <= a && x.b >= b);
      out.push({ text: chars.slice(a, b).join(""), active, ent: m ? m.e : null });
    }
    return out;
  }

  function paragraphNode(p, defs) {
    if (p.skipped) { // page clutter: shown, labelled, not analysed
      return el("div", { class: "para skipped", "data-skipped": p.skipped },
        el("span", { class: "lineno", text: p.line_no }), el("div", { class: "ptext", dir: "auto", text: p.text }),
        el("div", { class: "plabels" }, el("span", { class: "skip-label", title: "not analysed: page clutter" }, `not analysed: ${p.skipped}`)));
    }
    const text = el("div", { class: "ptext", dir: "auto" }); // right-to-left scripts read their way
    for (const seg of segments(p)) {
      const cast = seg.ent ? `${seg.ent.entity}: ${seg.ent.main_role.toLowerCase()} (${seg.ent.fine_roles.join(", ")})` : null;
      if (!seg.active.length) {
        text.append(cast ? el("span", { class: `ent ent-${seg.ent.main_role.toLowerCase()}`, title: cast }, seg.text) : seg.text);
        continue;
      }
      const quoted = seg.active.every((x) => x.voice === "quoted"); // a speaker's words, not the author's
      const s = el("mark", { class: "seg" + (quoted ? " quoted" : ""), tabindex: "0", "data-t": seg.active.map((x) => x.t).join("|"),
        "data-voice": quoted ? "quoted" : "author" }, cast ? el("span", { class: `ent ent-${seg.ent.main_role.toLowerCase()}`, title: cast }, seg.text) : seg.text);
      s._active = seg.active;
      s.addEventListener("mouseenter", () => showTip(s, defs));
      s.addEventListener("focus", () => showTip(s, defs));
      s.addEventListener("click", () => showTip(s, defs));
      s.addEventListener("mouseleave", hideTip);
      s.addEventListener("blur", hideTip);
      text.append(s);
    }
    const labels = el("div", { class: "plabels", "aria-label": "techniques of this paragraph" });
    const cues = p.cues || {};
    if (cues.subjective >= 0.5) {
      labels.append(el("span", { class: "cue cue-subjective", title: `reads as the author's view (subjective ${cues.subjective.toFixed(2)})` }, "view"));
    }
    if (cues.satire >= 0.5) {
      labels.append(el("span", { class: "cue cue-satire", title: `reads as satire (satire cue ${cues.satire.toFixed(2)})` }, "satire cue"));
    }
    for (const t of p.techniques) {
      labels.append(el("span", { class: "chip", "data-t": t, style: `background:${COLOUR[t]}`,
        title: `${label(t)}: the paragraph's score ${p.scores[t].toFixed(2)} (a highlight's own score says how sure the model is of those words)` },
        `${label(t)} ${p.scores[t].toFixed(2)}`));
    }
    return el("div", { class: "para" + (p.techniques.length ? "" : " plain") },
      el("span", { class: "lineno", text: p.line_no }), text, labels);
  }

  let tip = null;
  // "right about 4 times in 10": the served model's held-out precision, in words a reader hears
  // (for an article analysed zero-shot, what was measured for languages left out of training)
  function trust(t, defs) {
    const d = defs[t] || {};
    const zs = current && current.data.zero_shot;
    const precision = zs ? d.precision_zero_shot : d.precision, recall = zs ? d.recall_zero_shot : d.recall;
    if (precision === null || precision === undefined) return zs ? "Not measured for languages left out of training." : "";
    const found = recall === null || recall === undefined ? "" : `, and finds about ${Math.round(10 * recall)} in 10 of those the annotators marked`;
    const where = zs ? "held-out articles of languages left out of training" : "held-out articles";
    return `On ${where}, a paragraph marked ${label(t)} was right about ${Math.round(10 * precision)} times in 10${found}.`;
  }

  // "Portuguese (pt, detected 99%)", and what the reader should know about the language
  function languageLine(data) {
    const name = data.lang_name || data.lang;
    const how = data.lang_detected ? `, detected${data.lang_confidence != null ? " " + Math.round(100 * data.lang_confidence) + "%" : ""}` : "";
    return `${name} (${data.lang}${how})`;
  }
  function languageWarnings(data) {
    const out = [];
    if (data.zero_shot) out.push(`Zero-shot: no ${data.lang_name || data.lang} articles trained this model; expect about the quality measured for unseen languages.`);
    else if ((data.zero_shot_heads || []).length) out.push(`${listed(data.zero_shot_heads).replace(/^./, (c) => c.toUpperCase())}: zero-shot (no ${data.lang_name || data.lang} article with these labels trained this model).`);
    if (data.lang_note) out.push(`Language: ${data.lang_note}.`);
    return out.map((t) => el("p", { class: "warn lang-warn", text: t }));
  }

  function showTip(target, defs) {
    hideTip();
    tip = el("div", { class: "tip", role: "tooltip", id: "tip" });
    for (const s of target._active) {
      if (!enabled.has(s.t)) continue;
      tip.append(el("div", { class: "tip-row" },
        el("strong", { text: label(s.t) }), ` (these words ${s.score.toFixed(2)}; the paragraph ${paraScore(s)}${s.voice === "quoted" ? "; in a quotation: a speaker's words, not the author's" : ""}${s.wide ? "; found in this paragraph, most likely in this sentence" : ""})`,
        el("div", { class: "tip-def", text: (defs[s.t] || {}).definition || "" }),
        el("div", { class: "tip-trust", text: trust(s.t, defs) })));
    }
    if (!tip.childNodes.length) { tip = null; return; }
    document.body.append(tip);
    const r = target.getBoundingClientRect();
    tip.style.left = `${Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + window.innerWidth - tip.offsetWidth - 8))}px`;
    tip.style.top = `${window.scrollY + r.bottom + 6}px`;
    target.setAttribute("aria-describedby", "tip");
  }
  function hideTip() { if (tip) { tip.remove(); tip = null; } }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hideTip(); });

  function applyFilter(root) {
    root.querySelectorAll("mark.seg").forEach((m) => {
      const vis = m._active.filter((s) => enabled.has(s.t));
      m.classList.toggle("off", vis.length === 0);
      m.tabIndex = vis.length ? 0 : -1;
      if (vis.length === 1) { m.style.background = COLOUR[vis[0].t]; }
      else if (vis.length > 1) {
        const stops = vis.map((s, i) => `${COLOUR[s.t]} ${(i * 100) / vis.length}% ${((i + 1) * 100) / vis.length}%`);
        m.style.background = `linear-gradient(180deg, ${stops.join(", ")})`;
      } else { m.style.background = ""; }
      m.classList.toggle("overlap", vis.length > 1);
      m.setAttribute("aria-label", vis.map((s) => label(s.t)).join(", "));
    });
    root.querySelectorAll(".chip").forEach((c) => c.classList.toggle("off", !enabled.has(c.dataset.t)));
    root.querySelectorAll(".legend input").forEach((i) => { i.checked = enabled.has(i.value); });
  }

  /* --- the whole report --------------------------------------------------------------------- */
  function render(data, defs, root) {
    current = { data, defs };
    root.replaceChildren();
    const used = Object.keys(data.techniques);
    const spanCount = {};
    const quotedCount = {};
    data.paragraphs.forEach((p) => p.spans.forEach((s) => {
      spanCount[s.technique] = (spanCount[s.technique] || 0) + 1;
      if (s.voice === "quoted") quotedCount[s.technique] = (quotedCount[s.technique] || 0) + 1;
    }));

    const ranked = Object.entries(data.genre_scores).sort((a, b) => b[1] - a[1]);
    const genreHead = el("h2", { text: `Genre: ${data.genre}` });
    if (data.genre_uncertain && ranked.length > 1) {
      genreHead.append(" ", el("span", { class: "genre-uncertain", id: "genre-uncertain",
        text: `uncertain: ${ranked[0][0]} or ${ranked[1][0]} (${ranked[0][1] - ranked[1][1] < 0.15 ? "their probabilities are close" : "no probability reaches .50"})` }));
    }
    const genre = el("section", { class: "card", id: "genre" }, genreHead);
    Object.entries(data.genre_scores).sort((a, b) => b[1] - a[1])
      .forEach(([g, s]) => genre.append(bar(g, s, g === data.genre)));
    // why: the paragraphs' cues, so a reader can judge a wrong genre instead of trusting it
    const ev = data.genre_evidence || {};
    if (ev.paragraphs) {
      const ln = (i) => `¶${data.paragraphs[i].line_no}`;
      const subj = ev.subjective_paragraphs || [];
      const top = (ev.satire_paragraphs || []).slice(0, 2).map(([i, s]) => `${ln(i)} ${s.toFixed(2)}`);
      genre.append(el("p", { class: "genre-evidence", id: "genre-evidence" },
        `Why: ${subj.length} of ${ev.paragraphs} paragraphs read as the author's view` +
        (subj.length ? ` (${subj.slice(0, 5).map(ln).join(", ")}${subj.length > 5 ? ", …" : ""})` : "") +
        (ev.satire_cue == null ? "" : `; satire cue ${ev.satire_cue.toFixed(2)}${top.length ? ` (strongest ${top.join(", ")})` : ""}`) + ". " +
        "Paragraphs are marked in the margin."));
    }
    const frames = el("section", { class: "card", id: "frames" },
      el("h2", { text: `Frames: ${data.frames.length ? data.frames.map(label).join(", ") : "none above threshold"}` }));
    Object.entries(data.frame_scores).sort((a, b) => b[1] - a[1]).slice(0, Math.max(6, data.frames.length))
      .forEach(([f, s]) => frames.append(bar(f, s, data.frames.includes(f))));
    // SemEval-2025 Task 10's narratives, where the model has the heads
    const narr = data.narratives || [];
    const narratives = narr.length ? el("section", { class: "card", id: "narratives" },
      el("h2", { text: narr[0] === "Other" ? "Narratives: none of the Ukraine-war or climate ones" : `Narratives: ${narr.join("; ")}` })) : null;
    if (narratives) {
      Object.entries(data.narrative_scores || {}).filter(([n]) => !n.includes(": ", n.indexOf(": ") + 2))
        .sort((a, b) => b[1] - a[1]).slice(0, Math.max(4, narr.length))
        .forEach(([n, s]) => narratives.append(bar(n, s, narr.includes(n))));
      const subs = (data.subnarratives || []).filter((x) => x !== "Other" && !x.endsWith(": Other"));
      if (subs.length) narratives.append(el("p", { class: "hint", text: "Told as: " + subs.map((x) => x.split(": ").slice(2).join(": ")).join("; ") }));
    }
    // who is cast as protagonist, antagonist or innocent (SemEval-2025 Task 10), where the model tells
    const ents = data.entities || [];
    const cast = ents.length ? el("section", { class: "card", id: "cast" }, el("h2", { text: "Cast" })) : null;
    ents.slice(0, 10).forEach((e) => cast.append(el("p", { class: "cast-row", dir: "auto",
      title: Object.entries(e.main_scores).map(([r, s]) => `${r} ${s.toFixed(2)}`).join(" · ") },
      el("strong", { text: e.entity }), ` — ${e.main_role.toLowerCase()} (${e.fine_roles.join(", ")}), ` +
      plural(e.mentions.length, "mention"))));
    const counts = el("section", { class: "card", id: "counts" }, el("h2", { text: "Techniques (paragraphs that use each)" }));
    const maxN = Math.max(1, ...Object.values(data.techniques));
    if (!used.length) counts.append(el("p", { text: "No persuasion technique found." }));
    Object.entries(data.techniques).forEach(([t, n]) => {
      const row = bar(t, n / maxN, false, COLOUR[t]);
      row.querySelector(".bar-value").textContent = String(n);
      counts.append(row);
    });

    const legend = el("fieldset", { class: "legend" }, el("legend", { text: "Show techniques (spans found; how many lie inside quotations)" }),
      el("span", { class: "voice-key", id: "voice-key" }, "Highlights in italics over a dotted line are inside quotations: a speaker's words that the author reports."));
    legend.append(el("button", { type: "button", class: "small", onclick: () => { TECHNIQUES.forEach((t) => enabled.add(t)); applyFilter(root); } }, "all"),
      el("button", { type: "button", class: "small", onclick: () => { enabled.clear(); applyFilter(root); } }, "none"));
    TECHNIQUES.filter((t) => used.includes(t) || spanCount[t]).forEach((t) => {
      const id = `f-${t}`;
      const box = el("input", { type: "checkbox", id, value: t });
      box.checked = enabled.has(t);
      box.addEventListener("change", () => { box.checked ? enabled.add(t) : enabled.delete(t); applyFilter(root); });
      legend.append(el("label", { for: id, class: "legend-item", title: (defs[t] || {}).definition || "" }, box,
        el("span", { class: "swatch", style: `background:${COLOUR[t]}` }),
        ` ${label(t)}: ${plural(spanCount[t] || 0, "span")}` + (quotedCount[t] ? `, ${quotedCount[t]} in quotes` : "")));
    });

    const actions = el("div", { class: "actions" },
      el("button", { type: "button", id: "copy-json", onclick: copyJson }, "Copy JSON"),
      el("button", { type: "button", id: "download", onclick: downloadReport }, "Download report"));
    const meta = el("p", { class: "meta", text:
      `Language: ${languageLine(data)} · model: ${data.model.name} ${data.model.version}` +
      (data.timings && data.timings.analyze_s != null ? ` · ${data.timings.analyze_s.toFixed(2)} s` : "") });

    const article = el("section", { class: "card article", id: "article" }, el("h2", { text: "Article" }), legend);
    data.paragraphs.forEach((p) => article.append(paragraphNode(p, defs)));
    root.append(el("div", { class: "report" }, meta, ...languageWarnings(data), actions,
      el("div", { class: "summary" }, genre, frames, ...(narratives ? [narratives] : []), ...(cast ? [cast] : []), counts), article));
    applyFilter(root);
  }

  async function copyJson() {
    const text = JSON.stringify(current.data, null, 2);
    try { await navigator.clipboard.writeText(text); status("JSON copied to the clipboard."); }
    catch (e) { download("spinscan.json", text, "application/json"); status("Clipboard unavailable: JSON downloaded."); }
  }

  function download(name, text, type) {
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
    document.body.append(a); a.click(); a.remove();
  }

  async function reportHtml() {
    if (location.protocol === "file:") return "<!doctype html>\n" + document.documentElement.outerHTML; // a report already
    const [css, js] = await Promise.all(["/static/style.css", "/static/app.js"].map((u) => fetch(u).then((r) => r.text())));
    return standalone(css, js, current.data, current.defs);
  }
  function standalone(css, js, data, defs) {
    const safe = (o) => JSON.stringify(o).replace(/</g, "\\u003c");
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>spinscan report</title><style>${css}</style></head><body><header class="top"><h1>spinscan report</h1></header>` +
      `<main><div id="report-root"></div></main><script>${js.replace(/<\/script/gi, "<\\/script")}</script>` +
      `<script>Spinscan.render(${safe(data)}, ${safe(defs)}, document.getElementById("report-root"));</script></body></html>`;
  }
  async function downloadReport() { download("spinscan-report.html", await reportHtml(), "text/html"); }

  function status(msg, isError) {
    const s = document.getElementById("status");
    if (!s) return;
    s.textContent = msg;
    s.classList.toggle("error", !!isError);
  }

  async function loadDefs() {
    try {
      const r = await fetch("/v1/techniques");
      const list = await r.json();
      return Object.fromEntries(list.map((d) => [d.name, d]));
    } catch (e) { return {}; }
  }

  let defsPromise = null;
  function defs() { return defsPromise || (defsPromise = loadDefs()); }

  // every language the served model analyses, trained ones first, in the form's select
  async function loadLanguages() {
    const select = document.getElementById("lang");
    if (!select) return;
    try {
      const r = await fetch("/v1/languages");
      const { languages } = await r.json();
      const keep = select.value;
      const groups = { trained: el("optgroup", { label: "trained" }), "zero-shot": el("optgroup", { label: "zero-shot (no training articles)" }) };
      languages.forEach((l) => groups[l.status].append(el("option", { value: l.code }, `${l.name} (${l.code})`)));
      select.replaceChildren(el("option", { value: "" }, "detect"), groups.trained, groups["zero-shot"]);
      select.value = keep;
    } catch (e) { /* the static list of the page stays */ }
  }

  function initForm() {
    const form = document.getElementById("form");
    const defsP = defs();
    loadLanguages();
    fetch("/healthz").then((r) => r.json()).then((h) => { // the URL field where the server fetches
      const row = document.getElementById("url-row");
      if (row && h.fetch) row.hidden = false;
    }).catch(() => {});
    const example = document.getElementById("example");
    if (example) example.addEventListener("click", async () => { // an invented article, shipped
      try {
        const r = await fetch("/static/example.txt");
        document.getElementById("text").value = await r.text();
        document.getElementById("file").value = "";
        const urlBox = document.getElementById("url");
        if (urlBox) urlBox.value = "";
        form.requestSubmit();
      } catch (e) { status(`The example could not be loaded (${e.message}).`, true); }
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const file = document.getElementById("file").files[0];
      const text = document.getElementById("text").value;
      const lang = document.getElementById("lang").value;
      const urlBox = document.getElementById("url");
      const url = urlBox && !urlBox.closest("[hidden]") ? urlBox.value.trim() : "";
      let body, headers = {};
      if (file) {
        body = new FormData(); body.append("file", file); if (lang) body.append("lang", lang);
      } else if (url) {
        body = JSON.stringify(lang ? { url, lang } : { url }); headers = { "Content-Type": "application/json" };
      } else if (/^https?:\/\/\S+$/i.test(text.trim())) { // a link pasted into the text box
        if (urlBox && !urlBox.closest("[hidden]")) {
          body = JSON.stringify(lang ? { url: text.trim(), lang } : { url: text.trim() }); headers = { "Content-Type": "application/json" };
        } else {
          status("That is a link, and this server does not fetch pages (it was started without --allow-fetch): " +
            "paste the article's text, or save the page and choose it as a file.", true);
          return;
        }
      } else {
        if (!text.trim()) { status("Please paste an article or choose a file first.", true); return; }
        body = JSON.stringify(lang ? { text, lang } : { text }); headers = { "Content-Type": "application/json" };
      }
      status("Analysing…");
      document.getElementById("analyse").disabled = true;
      try {
        const r = await fetch("/v1/analyze", { method: "POST", body, headers });
        const data = await r.json();
        if (!r.ok) { status(data.error ? data.error.message : `Error ${r.status}`, true); return; }
        render(data, await defsP, document.getElementById("report-root"));
        const skipped = data.paragraphs.filter((p) => p.skipped).length;
        status(`Analysed ${data.paragraphs.length - skipped} paragraphs` + (skipped ? ` (${skipped} more are page clutter, not analysed).` : "."));
      } catch (e) {
        status(`The server could not be reached (${e.message}).`, true);
      } finally {
        document.getElementById("analyse").disabled = false;
      }
    });
  }

  window.Spinscan = { render, initForm, standalone, defs, el, label, COLOUR };
})();
