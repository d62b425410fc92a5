/* The query page: YASGUI set up for this server's endpoint, with nothing fetched from elsewhere.
 *
 * Needs /static/vendor/yasgui/yasgui.min.js (window.Yasgui) and /vendor/vis-network.min.js (the
 * graph view) loaded first, and three JSON data blocks filled by the server: #kg-endpoint
 * ({"endpoint": "/sparql"}), #prefixes ({name: iri}, the prefixes the endpoint knows without a
 * PREFIX line) and #examples ([{name, question, sparql}], the competency questions).
 *
 * What it changes from YASGUI's defaults, and why:
 *  - the endpoint is this server's /sparql (an absolute URL: YASGUI calls new URL() on it); the
 *    endpoint field is hidden and the endpoint catalogue (dbpedia, wikidata) is empty;
 *  - completion: the "prefixes" completer offers only the project's prefixes, and the "class" and
 *    "property" completers the terms of the served graph, asked once from /sparql (YASGUI's own
 *    ask lov.linkeddata.es at every completion);
 *  - permalinks are ?query=… (plus tabTitle, outputFormat), read by this script and not by YASGUI
 *    (populateFromUrl: false), so a link can never change the endpoint or add request arguments;
 *  - a history of the queries run (localStorage), and the competency questions as examples;
 *  - the editor knows the project's prefixes, as the endpoint does, and marks no error without PREFIX lines;
 *  - the results table links the graph's resources to their pages here, not to w3id.org;
 *  - a "Graph" view draws CONSTRUCT and DESCRIBE answers with vis-network.
 * Data is only ever inserted as text (textContent) or through YASR's own sanitiser.
 */
(function () {
  "use strict";

  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var ENDPOINT = new URL(data("kg-endpoint").endpoint || "/sparql", window.location.href).href;
  var PREFIXES = data("prefixes");
  var EXAMPLES = data("examples");
  var RES = PREFIXES.res || "https://w3id.org/mxjp-talent/resource/";
  var HISTORY_KEY = "kg-yasgui-history";
  var HISTORY_MAX = 30;
  var URL_KEYS = ["query", "tabTitle", "outputFormat"];
  var DEFAULT_QUERY = [
    "# The classes of the graph and how many instances each has.",
    "# The prefixes listed above the editor need no PREFIX line.",
    "SELECT ?class (COUNT(?s) AS ?instances) WHERE {",
    "  ?s a ?class .",
    "} GROUP BY ?class ORDER BY DESC(?instances) LIMIT 25",
  ].join("\n");

  /* ---------- the editor knows the prefixes the endpoint knows (no "prefix not defined") ---------- */

  var sparqlMode = Yasqe.modes.sparql11;
  Yasqe.defineMode("sparql11", function (config, parserConfig) {
    var mode = sparqlMode(config, parserConfig);
    var startState = mode.startState;
    mode.startState = function () {
      var state = startState.apply(this, arguments);
      Object.keys(PREFIXES).forEach(function (p) { if (state.prefixes[p] === undefined) state.prefixes[p] = PREFIXES[p]; });
      return state;
    };
    return mode;
  });

  /* ---------- completion: the project's prefixes and the served graph's terms only ---------- */

  var prefixLines = Object.keys(PREFIXES).sort().map(function (p) { return p + ": <" + PREFIXES[p] + ">"; });
  // Same name as the built-in completer, so it replaces it; an array `get` is used as it is.
  Yasqe.forkAutocompleter("prefixes", { name: "prefixes", get: prefixLines, persistenceId: null });

  var VOCABULARY = {
    class: "SELECT DISTINCT ?term WHERE { { ?s a ?term } UNION { ?term a owl:Class } UNION { ?term a rdfs:Class } FILTER(isIRI(?term)) }",
    property:
      "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?term a rdf:Property } UNION { ?term a owl:ObjectProperty }" +
      " UNION { ?term a owl:DatatypeProperty } UNION { ?term a owl:AnnotationProperty } }",
  };
  var vocabulary = {};
  function localTerms(kind) {
    if (!vocabulary[kind]) {
      vocabulary[kind] = fetch(ENDPOINT, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
        body: new URLSearchParams({ query: VOCABULARY[kind] }).toString(),
      })
        .then(function (r) {
          if (!r.ok) throw new Error("vocabulary query failed: " + r.status);
          return r.json();
        })
        .then(function (json) { return json.results.bindings.map(function (b) { return b.term.value; }).sort(); })
        .catch(function (e) {
          console.warn("No " + kind + " completions:", e);
          delete vocabulary[kind];
          return [];
        });
    }
    return vocabulary[kind];
  }
  ["class", "property"].forEach(function (kind) {
    Yasqe.forkAutocompleter(kind, {
      name: kind, bulk: true, autoShow: true, persistenceId: null,
      get: function () { return localTerms(kind); },
    });
  });

  /* ---------- the results table links our resources to their pages here ---------- */

  var Table = Yasr.plugins.table;
  var tableLink = Table.prototype.getUriLinkFromBinding;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    if (binding.value.indexOf(RES) !== 0) return tableLink.call(this, binding, prefixes);
    var a = document.createElement("a");
    a.className = "iri kg-resource";
    a.href = "/resource/" + binding.value.slice(RES.length);
    a.title = binding.value;
    a.textContent = "res:" + binding.value.slice(RES.length);
    return a.outerHTML;
  };

  /* ---------- a graph view for CONSTRUCT and DESCRIBE ---------- */

  var SHOWN_TRIPLES = 1500;
  function shortName(iri) {
    for (var p in PREFIXES) {
      if (iri.indexOf(PREFIXES[p]) === 0 && iri.length > PREFIXES[p].length) return p + ":" + iri.slice(PREFIXES[p].length);
    }
    return iri;
  }
  function GraphView(yasr) {
    this.yasr = yasr;
    this.priority = 20; // above the table: CONSTRUCT and DESCRIBE answers open as a graph
    this.label = "Graph";
  }
  GraphView.prototype.canHandleResults = function () {
    var results = this.yasr.results;
    return !!(window.vis && results && results.getType && results.getType() === "ttl");
  };
  GraphView.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.className = "kg-graph-icon";
    icon.textContent = "◉";
    return icon;
  };
  GraphView.prototype.draw = function () {
    var statements = this.yasr.results.getStatements() || [];
    var box = document.createElement("div");
    box.className = "kg-graph-view";
    var note = document.createElement("p");
    note.className = "kg-graph-note";
    this.yasr.resultsEl.appendChild(note);
    this.yasr.resultsEl.appendChild(box);
    var nodes = {}, edges = [], details = {};
    function node(term) {
      var id = term.termType === "BlankNode" ? "_:" + term.value : term.value;
      if (!nodes[id]) nodes[id] = { id: id, label: term.termType === "BlankNode" ? "_:" + term.value : shortName(term.value), shape: "dot", size: 9 };
      return id;
    }
    statements.slice(0, SHOWN_TRIPLES).forEach(function (st) {
      var s = node(st.subject);
      if (st.object.termType === "Literal") {
        (details[s] = details[s] || []).push(shortName(st.predicate.value) + ": " + st.object.value);
        return;
      }
      edges.push({ from: s, to: node(st.object), label: shortName(st.predicate.value), arrows: "to" });
    });
    Object.keys(details).forEach(function (id) { nodes[id].title = nodes[id].label + "\n" + details[id].join("\n"); });
    note.textContent = statements.length + " triple(s)" +
      (statements.length > SHOWN_TRIPLES ? ", the first " + SHOWN_TRIPLES + " drawn" : "") +
      "; literals are in the tooltips; double-click one of the graph's resources to open its page.";
    var network = new window.vis.Network(box, { nodes: Object.values(nodes), edges: edges }, {
      physics: { solver: "forceAtlas2Based", stabilization: { iterations: 150, fit: true } },
      edges: { font: { size: 10, color: "#555", strokeWidth: 3 }, color: "#b8bcc4", smooth: false },
      nodes: { font: { size: 12 }, color: { background: "#4e79a7", border: "#2f4b66" } },
      interaction: { hover: true, tooltipDelay: 150 },
    });
    network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); });
    network.on("doubleClick", function (params) {
      var id = params.nodes[0];
      if (id && id.indexOf(RES) === 0) window.location.href = "/resource/" + id.slice(RES.length);
    });
    window.kgGraphView = network; // for the browser tests
  };
  Yasr.registerPlugin("graph", GraphView);

  /* ---------- permalinks: ?query= ---------- */

  function permalinkFor(tab) {
    var url = new URL(window.location.pathname, window.location.origin);
    url.searchParams.set("query", tab.getQuery());
    url.searchParams.set("tabTitle", tab.getName());
    var plugin = tab.getPersistedJson().yasr.settings.selectedPlugin;
    if (plugin && plugin !== "table") url.searchParams.set("outputFormat", plugin);
    return url.href;
  }
  // YASGUI's share button calls tab.getShareableLink(), which would put every request setting,
  // the endpoint included, into the #fragment: make it the same ?query= permalink.
  Yasgui.Tab.prototype.getShareableLink = function () { return permalinkFor(this); };

  function paramsFromUrl() {
    var url = new URL(window.location.href);
    var params = url.searchParams;
    var hash = url.hash.slice(1); // links in YASGUI's own format: #query=…&endpoint=…
    if (!params.has("query") && /(^|&)query=/.test(hash)) params = new URLSearchParams(hash);
    var kept = new URLSearchParams();
    URL_KEYS.forEach(function (k) { if (params.has(k)) kept.set(k, params.get(k)); });
    return kept;
  }

  /* ---------- YASGUI ---------- */

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "kg-yasgui",
    populateFromUrl: false,
    copyEndpointOnNewTab: false,
    corsProxy: undefined,
    requestConfig: { endpoint: ENDPOINT, method: "POST", acceptHeaderGraph: "text/turtle,*/*;q=0.9" },
    endpointCatalogueOptions: { getData: function () { return []; }, keys: [] },
    endpointInfo: function () {
      var span = document.createElement("span");
      span.className = "kg-endpoint";
      span.appendChild(document.createTextNode("Endpoint: "));
      var code = document.createElement("code");
      code.textContent = new URL(ENDPOINT).pathname;
      span.appendChild(code);
      return span;
    },
    yasqe: { value: DEFAULT_QUERY, prefixCcApi: null, createShortLink: undefined },
    yasr: { prefixes: PREFIXES, defaultPlugin: "table" },
  });
  window.kgYasgui = yasgui; // for the browser tests

  function allTabs() {
    return yasgui.persistentConfig.getTabs().map(function (id) { return yasgui.getTab(id); }).filter(Boolean);
  }
  // Tabs restored from localStorage keep the endpoint they were saved with: point them here.
  allTabs().forEach(function (tab) { if (tab.getEndpoint() !== ENDPOINT) tab.setEndpoint(ENDPOINT); });

  function runTab(tab) { tab.query().catch(function () { /* YASR shows the error */ }); }

  function openFromUrl() {
    var params = paramsFromUrl();
    var query = params.get("query");
    if (query === null) return;
    var title = params.get("tabTitle");
    var fmt = params.get("outputFormat");
    if (fmt && !Yasr.plugins[fmt]) fmt = null;
    var tabs = allTabs();
    var existing = tabs.find(function (t) { return t.getPersistedJson().yasqe.value === query; });
    if (existing) {
      yasgui.selectTabId(existing.getId());
      if (!existing.getPersistedJson().yasr.response) runTab(existing);
    } else if (tabs.length === 1 && !tabs[0].getPersistedJson().yasr.response &&
               tabs[0].getPersistedJson().yasqe.value === DEFAULT_QUERY) {
      var tab = tabs[0]; // a first visit: reuse the untouched default tab
      tab.setQuery(query);
      if (title) tab.setName(title);
      if (fmt) tab.getYasr().selectPlugin(fmt);
      runTab(tab);
    } else {
      var partial = { yasqe: { value: query } };
      if (title) partial.name = yasgui.createTabName(title);
      if (fmt) partial.yasr = { settings: { selectedPlugin: fmt } };
      runTab(yasgui.addTab(true, partial));
    }
    window.history.replaceState(null, "", permalinkFor(yasgui.getTab()));
  }
  openFromUrl();

  /* ---------- examples: the competency questions ---------- */

  var examplesEl = document.getElementById("kg-examples");
  var byName = {};
  EXAMPLES.forEach(function (ex) { byName[ex.name] = ex; });
  examplesEl.addEventListener("change", function () {
    var ex = byName[examplesEl.value];
    examplesEl.value = "";
    if (ex) yasgui.addTab(true, { name: ex.name, yasqe: { value: ex.sparql } }, { avoidDuplicateTabs: true });
  });

  /* ---------- history of the queries run ---------- */

  var historyEl = document.getElementById("kg-history");
  function readHistory() {
    try { return JSON.parse(window.localStorage.getItem(HISTORY_KEY)) || []; } catch (e) { return []; }
  }
  function drawHistory() {
    while (historyEl.options.length > 1) historyEl.remove(1);
    readHistory().forEach(function (h, i) {
      var opt = document.createElement("option");
      opt.value = String(i);
      var oneLine = h.query.replace(/^\s*(PREFIX|BASE)\b.*$/gim, "").replace(/#.*$/gm, "").replace(/\s+/g, " ").trim();
      opt.textContent = new Date(h.time).toLocaleTimeString() + " · " + h.tab + " · " + oneLine.slice(0, 70);
      opt.title = h.query;
      historyEl.appendChild(opt);
    });
  }
  historyEl.addEventListener("change", function () {
    var h = readHistory()[Number(historyEl.value)];
    historyEl.value = "";
    if (h) yasgui.getTab().setQuery(h.query);
  });
  drawHistory();

  /* ---------- on every query: the address bar is the permalink, the history grows ---------- */

  var statusEl = document.getElementById("kg-status");
  // CONSTRUCT and DESCRIBE open in the graph view, other answers in the table (the views stay a click away)
  yasgui.on("query", function (_y, tab) {
    var yasr = tab.getYasr();
    var graphQuery = ["CONSTRUCT", "DESCRIBE"].indexOf(tab.getYasqe().getQueryType()) >= 0;
    if (graphQuery && yasr.getSelectedPluginName() !== "graph") yasr.selectPlugin("graph");
    if (!graphQuery && yasr.getSelectedPluginName() === "graph") yasr.selectPlugin("table");
  });
  yasgui.on("query", function (_y, tab) {
    window.history.replaceState(null, "", permalinkFor(tab));
    var query = tab.getQuery();
    var history = readHistory().filter(function (h) { return h.query !== query; });
    history.unshift({ query: query, tab: tab.getName(), time: Date.now() });
    try { window.localStorage.setItem(HISTORY_KEY, JSON.stringify(history.slice(0, HISTORY_MAX))); } catch (e) { /* full */ }
    drawHistory();
  });
  function syncUrl(tab) {
    if (tab && tab === yasgui.getTab() && tab.getYasqe()) window.history.replaceState(null, "", permalinkFor(tab));
  }
  yasgui.on("tabSelect", function (_y, tabId) { syncUrl(yasgui.getTab(tabId)); });
  yasgui.on("tabChange", function (_y, tab) { syncUrl(tab); });

  document.getElementById("kg-permalink").addEventListener("click", function () {
    var link = permalinkFor(yasgui.getTab());
    window.history.replaceState(null, "", link);
    var done = function () { statusEl.textContent = "Link copied"; };
    var shown = function () { statusEl.textContent = "The link is in the address bar"; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link).then(done, shown);
    else shown();
  });
})();
