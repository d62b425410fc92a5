// The query page: loads an example, runs it against /sparql, shows a table or a graph.
// Data from the store is only ever inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  const RES = "https://w3id.org/mxjp-talent/resource/";
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  const editor = document.getElementById("query");
  const form = document.getElementById("query-form");
  const statusEl = document.getElementById("status");
  const results = document.getElementById("results");
  const graphView = document.getElementById("graph-view");
  const tabs = document.getElementById("tabs");
  const download = document.getElementById("download-format");
  let network = null;

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function shorten(iri) {
    for (const [p, ns] of Object.entries(prefixes)) {
      if (iri.startsWith(ns) && iri.length > ns.length) return p + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  function termCell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = el("a", shorten(term.value));
      a.title = term.value;
      a.href = term.value.startsWith(RES) ? "/resource/" + term.value.slice(RES.length) : term.value;
      if (!term.value.startsWith(RES)) a.rel = "noreferrer";
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.appendChild(el("span", "_:" + term.value, "bnode"));
    } else {
      td.appendChild(el("span", term.value, "literal"));
      const lang = term["xml:lang"];
      if (lang) td.appendChild(el("span", " @" + lang, "lang"));
    }
    return td;
  }

  function showTable(vars, rows) {
    const table = el("table", null, "results");
    const head = table.createTHead().insertRow();
    for (const v of vars) head.appendChild(el("th", v));
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const v of vars) tr.appendChild(termCell(row[v]));
    }
    results.replaceChildren(table);
  }

  // N-Triples, as written by Oxigraph: one triple a line.
  const NT = /^(<[^>]*>|_:\S+)\s+<([^>]*)>\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)\s*\.\s*$/;
  function unescapeLiteral(s) {
    return s.replace(/\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)/g, (m, u4, u8, c) => {
      if (u4) return String.fromCodePoint(parseInt(u4, 16));
      if (u8) return String.fromCodePoint(parseInt(u8, 16));
      return { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" }[c] || c;
    });
  }
  function ntTerm(s) {
    if (s.startsWith("<")) return { type: "uri", value: s.slice(1, -1) };
    if (s.startsWith("_:")) return { type: "bnode", value: s.slice(2) };
    const end = s.lastIndexOf('"');
    const term = { type: "literal", value: unescapeLiteral(s.slice(1, end)) };
    const rest = s.slice(end + 1);
    if (rest.startsWith("@")) term["xml:lang"] = rest.slice(1);
    return term;
  }
  function parseNTriples(text) {
    const triples = [];
    for (const line of text.split("\n")) {
      const m = NT.exec(line.trim());
      if (m) triples.push({ s: ntTerm(m[1]), p: { type: "uri", value: m[2] }, o: ntTerm(m[3]) });
    }
    return triples;
  }

  function showGraph(triples) {
    graphView.replaceChildren();
    if (!window.vis) {
      graphView.appendChild(el("p", "The graph view needs vis-network (pip install pyvis).", "hint"));
      return;
    }
    const labels = new Map();
    for (const t of triples) {
      if (t.p.value === "http://www.w3.org/2000/01/rdf-schema#label" && t.o.type === "literal") labels.set(t.s.value, t.o.value);
    }
    const nodes = new Map();
    const edges = [];
    const node = (term) => {
      const id = term.type + ":" + term.value;
      if (!nodes.has(id)) {
        const text = term.type === "literal" ? term.value : (labels.get(term.value) || shorten(term.value));
        nodes.set(id, { id: id, label: text.length > 40 ? text.slice(0, 39) + "…" : text, title: term.value,
          shape: term.type === "literal" ? "box" : "dot", group: term.type });
      }
      return id;
    };
    for (const t of triples) {
      if (t.p.value === "http://www.w3.org/2000/01/rdf-schema#label") { node(t.s); continue; }
      edges.push({ from: node(t.s), to: node(t.o), label: shorten(t.p.value), arrows: "to", font: { size: 10, align: "middle" } });
    }
    // vis-network puts titles into the DOM as text when given a string wrapped in an element.
    for (const n of nodes.values()) { const tip = el("div", n.title); n.title = tip; }
    network = new window.vis.Network(graphView, { nodes: Array.from(nodes.values()), edges: edges },
      { physics: { stabilization: { iterations: 150 } }, nodes: { size: 10 },
        groups: { uri: { color: "#2f6f8f" }, literal: { color: { background: "#f4efe1", border: "#b9a56a" } } } });
    network.on("doubleClick", (params) => {
      const id = params.nodes[0];
      if (id && id.startsWith("uri:" + RES)) window.location.href = "/resource/" + id.slice(4 + RES.length);
    });
  }

  function setView(view) {
    for (const b of tabs.querySelectorAll("button")) b.classList.toggle("on", b.dataset.view === view);
    results.hidden = view !== "table";
    graphView.hidden = view !== "graph";
    if (view === "graph" && network) network.fit();
  }
  tabs.addEventListener("click", (e) => { if (e.target.dataset.view) setView(e.target.dataset.view); });

  async function run() {
    statusEl.textContent = "running…";
    statusEl.className = "";
    results.replaceChildren();
    tabs.hidden = true;
    graphView.hidden = true;
    results.hidden = false;
    const started = performance.now();
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, application/n-triples;q=0.9" },
        body: new URLSearchParams({ query: editor.value }),
      });
    } catch (err) {
      statusEl.textContent = "the endpoint did not answer: " + err;
      statusEl.className = "error";
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("content-type") || "";
    const text = await response.text();
    if (!response.ok) {
      statusEl.textContent = "error " + response.status;
      statusEl.className = "error";
      results.replaceChildren(el("pre", text, "error-text"));
      return;
    }
    if (type.startsWith("application/sparql-results+json")) {
      const data = JSON.parse(text);
      if ("boolean" in data) {
        results.replaceChildren(el("p", data.boolean ? "yes (true)" : "no (false)", "boolean"));
        statusEl.textContent = "answered in " + seconds + " s";
      } else {
        showTable(data.head.vars, data.results.bindings);
        statusEl.textContent = data.results.bindings.length + " row(s) in " + seconds + " s";
      }
    } else {
      const triples = parseNTriples(text);
      showTable(["s", "p", "o"], triples);
      tabs.hidden = false;
      showGraph(triples);
      setView("graph");
      statusEl.textContent = triples.length + " triple(s) in " + seconds + " s";
    }
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => {
      const example = examples.find((q) => q.name === button.dataset.name);
      if (!example) return;
      editor.value = example.sparql;
      for (const b of document.querySelectorAll("button.example")) b.classList.remove("on");
      button.classList.add("on");
      statusEl.textContent = "loaded " + example.name + " — press Run query";
      statusEl.className = "";
    });
  }
  download.addEventListener("change", () => {
    if (!download.value) return;
    const params = new URLSearchParams({ query: editor.value, format: download.value });
    window.open("/sparql?" + params.toString(), "_blank", "noopener");
    download.value = "";
  });
})();
