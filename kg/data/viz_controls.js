/* kg interactive network: tooltips, filters, search and physics control for the page that
 * kg/viz.py writes. Plain ES5+, no network access. Every string that came from an article is
 * put into the page with textContent or .value, never as HTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var byId = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  // Tooltip: a DOM element built with textContent (vis-network shows an Element as is).
  function tipElement(lines) {
    var box = el("div", "kg-tip");
    (lines || []).forEach(function (line) {
      box.appendChild(el("div", "kg-tip-" + line[0], line[1]));
    });
    return box;
  }

  var degree = {};
  data.nodes.forEach(function (n) {
    n.title = tipElement(n.tip);
    delete n.tip;
    n.hidden = false;
    degree[n.id] = 0;
  });
  data.edges.forEach(function (e) {
    e.title = tipElement(e.tip);
    delete e.tip;
    e.hidden = false;
    degree[e.from] = (degree[e.from] || 0) + 1;
    degree[e.to] = (degree[e.to] || 0) + 1;
  });
  var typeOf = {};
  data.nodes.forEach(function (n) { typeOf[n.id] = n.ntype; });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = byId("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var api = {
    network: network, nodes: nodes, edges: edges, data: data,
    stabilized: false, lastSearch: [],
    totalNodes: data.totalNodes, totalEdges: data.totalEdges
  };
  window.kgViz = api;

  // ---------------------------------------------------------------- physics: stop once settled
  function settled() {
    if (api.stabilized) { return; }
    network.setOptions({ physics: { enabled: false } });
    api.stabilized = true;
    document.body.setAttribute("data-stabilized", "1");
    byId("kg-physics").textContent = "Layout settled; physics is off (drag nodes to rearrange).";
  }
  network.once("stabilizationIterationsDone", settled);
  if (data.nodes.length === 0) {
    settled();
    byId("kg-physics").textContent = "This network is empty: no stances match.";
  }

  // ---------------------------------------------------------------- filter controls
  var state = {
    from: "", to: "", minW: 0,
    types: {}, pols: {}
  };
  data.types.forEach(function (t) { state.types[t] = true; });
  data.polarities.forEach(function (p) { state.pols[p] = true; });

  function checkbox(parent, key, text, dict, prefix, i) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = prefix + i;
    box.setAttribute("data-value", key);
    box.addEventListener("change", function () { dict[key] = box.checked; apply(); });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + text));
    parent.appendChild(label);
  }
  data.types.forEach(function (t, i) {
    checkbox(byId("kg-types"), t, data.typeNames[t] || t, state.types, "kg-type-", i);
  });
  data.polarities.forEach(function (p, i) {
    checkbox(byId("kg-pols"), p, (data.polarityNames || {})[p] || p, state.pols, "kg-pol-", i);
  });
  if (!data.polarities.length) { byId("kg-pols").style.display = "none"; }

  var dateFrom = byId("kg-date-from"), dateTo = byId("kg-date-to");
  if (data.dateMin) {
    [dateFrom, dateTo].forEach(function (input) {
      input.min = data.dateMin;
      input.max = data.dateMax;
      input.addEventListener("change", function () {
        state.from = dateFrom.value || "";
        state.to = dateTo.value || "";
        apply();
      });
    });
  } else {
    byId("kg-date-box").style.display = "none";
  }

  var slider = byId("kg-min-weight"), sliderValue = byId("kg-min-weight-value");
  slider.max = String(data.weightMax || 1);
  slider.step = String(data.weightStep || 1);
  slider.value = "0";
  slider.addEventListener("input", function () {
    state.minW = parseFloat(slider.value) || 0;
    sliderValue.textContent = slider.value;
    apply();
  });

  function edgeFiltersActive() {
    return Boolean(state.from || state.to || state.minW > 0 ||
      data.polarities.some(function (p) { return !state.pols[p]; }));
  }

  function edgeVisible(e) {
    if (!state.pols[e.pol]) { return false; }
    if (e.w < state.minW) { return false; }
    if (!state.types[typeOf[e.from]] || !state.types[typeOf[e.to]]) { return false; }
    if (state.from || state.to) {
      var inRange = (e.dates || []).some(function (d) {
        return (!state.from || d >= state.from) && (!state.to || d <= state.to);
      });
      if (!inRange) { return false; }
    }
    return true;
  }

  function apply() {
    var visibleEdgeAt = {};
    var edgeChanges = [];
    var shownEdges = 0;
    edges.forEach(function (e) {
      var show = edgeVisible(e);
      if (show) {
        shownEdges += 1;
        visibleEdgeAt[e.from] = true;
        visibleEdgeAt[e.to] = true;
      }
      if (Boolean(e.hidden) === show) { edgeChanges.push({ id: e.id, hidden: !show }); }
    });
    var active = edgeFiltersActive();
    var nodeChanges = [];
    var shownNodes = 0;
    nodes.forEach(function (n) {
      var show = Boolean(state.types[n.ntype]) &&
        (!active || degree[n.id] === 0 || Boolean(visibleEdgeAt[n.id]));
      if (show) { shownNodes += 1; }
      if (Boolean(n.hidden) === show) { nodeChanges.push({ id: n.id, hidden: !show }); }
    });
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    api.visible = { nodes: shownNodes, edges: shownEdges };
    var count = byId("kg-count");
    count.textContent = "Showing " + shownNodes + " of " + nodes.length + " nodes and " +
      shownEdges + " of " + edges.length + " edges" +
      (data.totalNodes > nodes.length || data.totalEdges > edges.length
        ? " (network: " + data.totalNodes + " nodes, " + data.totalEdges + " edges)." : ".");
    count.setAttribute("data-nodes", String(shownNodes));
    count.setAttribute("data-edges", String(shownEdges));
    return api.visible;
  }
  api.apply = apply;

  byId("kg-reset").addEventListener("click", function () {
    state.from = state.to = "";
    dateFrom.value = dateTo.value = "";
    state.minW = 0;
    slider.value = "0";
    sliderValue.textContent = "0";
    Array.prototype.forEach.call(document.querySelectorAll("#kg-types input, #kg-pols input"), function (box) {
      box.checked = true;
    });
    data.types.forEach(function (t) { state.types[t] = true; });
    data.polarities.forEach(function (p) { state.pols[p] = true; });
    apply();
  });

  // ---------------------------------------------------------------- search
  var labels = byId("kg-labels");
  data.nodes.map(function (n) { return n.fullLabel; }).sort().forEach(function (label) {
    var opt = document.createElement("option");
    opt.value = label;
    labels.appendChild(opt);
  });

  function search(query) {
    var q = String(query || "").trim().toLowerCase();
    var result = byId("kg-search-result");
    if (!q) {
      network.unselectAll();
      api.lastSearch = [];
      result.textContent = "";
      return [];
    }
    var all = nodes.get();
    var hits = all.filter(function (n) { return n.fullLabel.toLowerCase() === q; });
    if (!hits.length) {
      hits = all.filter(function (n) { return n.fullLabel.toLowerCase().indexOf(q) !== -1; });
    }
    var ids = hits.map(function (n) { return n.id; });
    api.lastSearch = ids;
    if (!ids.length) {
      network.unselectAll();
      result.textContent = "No actor matches \u201c" + String(query).trim() + "\u201d.";
      return ids;
    }
    network.selectNodes(ids, true);
    network.focus(ids[0], { scale: 1.3, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    var hidden = hits.filter(function (n) { return n.hidden; }).length;
    result.textContent = (ids.length === 1 ? "Found " : "Found " + ids.length + ", first: ") +
      hits[0].fullLabel + (hidden ? " (" + hidden + " hidden by the filters)" : "");
    return ids;
  }
  api.search = search;
  var searchBox = byId("kg-search");
  byId("kg-search-go").addEventListener("click", function () { search(searchBox.value); });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { search(searchBox.value); }
  });

  apply();
})();
