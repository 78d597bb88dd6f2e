/* kg interactive network: tooltips, filters, search and physics control for the page that
 * kg/viz.py writes. Plain ES5+, no network access. Every string that came from an article is
 * put into the page with textContent or .value, never as HTML.
 *
 * The page holds the WHOLE network in compact columns (kg/viz.py, _payload):
 *   data.n.l[i] label, data.n.t[i] type (index into data.types), data.n.z[i] size in pixels,
 *   data.n.tip[i] tooltip lines after the name and type;
 *   data.e.s[j] / data.e.t[j] source and target node, data.e.p[j] polarity (index into
 *   data.polarities), data.e.w[j] strength, data.e.d[j] dates (indices into data.days),
 *   data.e.tip[j] tooltip lines after the heading, or 0 when the quotes were not embedded;
 *   data.xy: [node, x, y] starting positions of the first drawing.
 * Nodes are numbered in the order of their names (str(node) in Python), edges by (source,
 * target); a vis node's id is its number, a vis edge's id too.
 *
 * Each change of a filter (or of the limits, or a search) runs apply():
 *   select()  the nodes and edges of the whole network that pass the filters;
 *   rank()    their readable part: THE ranking rule, the same as _rank in kg/viz.py (change
 *             both together; tests/test_browser.py checks that they agree);
 *   addPins() actors found by search, each with its strongest ties that pass the filters;
 *   draw()    brings the vis DataSets to that part. Nodes drawn before keep their place; new
 *             ones start next to their drawn neighbours, and physics runs (the old nodes held
 *             fixed) only until the layout settles, then is switched off again.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var byId = function (id) { return document.getElementById(id); };
  var V = data.n, E = data.e;
  var nN = V.l.length, nE = E.s.length;
  var TIES_PER_PIN = 10;   // a found actor is drawn with at most this many of its strongest ties
  var MAX_PINS = 10;       // at most this many found actors are drawn beyond the readable part
  var now = function () { return (window.performance && performance.now) ? performance.now() : Date.now(); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function fmtCount(x) { return Number(x).toLocaleString("en-US"); }
  function fmtNum(x) { return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3))); }

  // Tooltip: a DOM element built with textContent (vis-network shows an Element as is).
  function tipElement(lines) {
    var box = el("div", "kg-tip");
    (lines || []).forEach(function (line) {
      box.appendChild(el("div", "kg-tip-" + line[0], line[1]));
    });
    return box;
  }

  // ---------------------------------------------------------------- the whole network
  var wholeDegree = [], incident = [], i, j;
  for (i = 0; i < nN; i += 1) { wholeDegree.push(0); incident.push([]); }
  for (j = 0; j < nE; j += 1) {
    wholeDegree[E.s[j]] += 1;
    wholeDegree[E.t[j]] += 1;
    incident[E.s[j]].push(j);
    if (E.t[j] !== E.s[j]) { incident[E.t[j]].push(j); }
  }
  var typeOf = V.t.map(function (t) { return data.types[t]; });
  var polOf = E.p.map(function (p) { return data.polarities[p]; });
  var topW = data.weightMax || 1;

  function shortLabel(label) {
    var chars = Array.from(label);
    if (chars.length <= data.maxLabel) { return label || "?"; }
    return chars.slice(0, data.maxLabel - 1).join("").replace(/\s+$/, "") + "\u2026";
  }

  var posCache = {};  // node -> {x, y}: where it was drawn last (or starts)
  (data.xy || []).forEach(function (p) { posCache[p[0]] = { x: p[1], y: p[2] }; });

  function nodeRecord(v) {
    var t = typeOf[v], style = data.typeStyles[t];
    var lines = [["h", V.l[v]], ["t", data.typeNames[t] || t]].concat(V.tip[v] || []);
    var rec = {
      id: v, label: shortLabel(V.l[v]), fullLabel: V.l[v], shape: style[0], color: style[1],
      size: V.z[v], ntype: t, title: tipElement(lines)
    };
    if (posCache[v]) { rec.x = posCache[v].x; rec.y = posCache[v].y; }
    return rec;
  }

  function edgeTipLines(e) {
    var lines = [["h", V.l[E.s[e]] + (data.directed ? " \u2192 " : " \u2014 ") + V.l[E.t[e]]]];
    if (E.tip[e]) { return lines.concat(E.tip[e]); }
    var name = (data.polarityNames || {})[polOf[e]] || polOf[e];
    lines.push(["k", name.charAt(0).toUpperCase() + name.slice(1) + ", weight " + fmtNum(E.w[e])]);
    var ds = E.d[e];
    if (ds.length) {
      var first = data.days[ds[0]], last = data.days[ds[ds.length - 1]];
      lines.push(["k", "Dates: " + (first === last ? first : first + " to " + last)]);
    }
    lines.push(["m", "Quotes and sources of this edge are not embedded in this page (see the note at the top)."]);
    return lines;
  }

  function edgeRecord(e) {
    var pol = polOf[e];
    var rec = {
      id: e, from: E.s[e], to: E.t[e], color: data.polarityColors[pol],
      width: Math.round((1 + 7 * Math.sqrt(E.w[e] / topW)) * 100) / 100,
      pol: pol, w: E.w[e], arrows: data.directed ? "to" : "", title: tipElement(edgeTipLines(e))
    };
    if (pol === "mixed") { rec.dashes = true; }
    return rec;
  }

  // ---------------------------------------------------------------- filters: the selection
  var state = {
    from: "", to: "", minW: 0, types: {}, pols: {},
    maxNodes: data.maxNodes, maxEdges: data.maxEdges
  };
  data.types.forEach(function (t) { state.types[t] = true; });
  data.polarities.forEach(function (p) { state.pols[p] = true; });
  var pins = [];  // actors found by search

  function edgeFiltersActive() {
    return Boolean(state.from || state.to || state.minW > 0 ||
      data.polarities.some(function (p) { return !state.pols[p]; }));
  }

  // The filters' verdict on the whole network: an edge passes if its polarity is ticked, its
  // strength reaches the minimum, both its ends are of ticked types and (with a date range)
  // one of its dates is in the range; a node passes if its type is ticked and, when an edge
  // filter is on, one of its edges passes (a node without any edge in the network always does).
  function select() {
    var lo = 0, hi = data.days.length - 1;
    if (state.from) { while (lo <= hi && data.days[lo] < state.from) { lo += 1; } }
    if (state.to) { while (hi >= lo && data.days[hi] > state.to) { hi -= 1; } }
    var dated = Boolean(state.from || state.to);
    var typeOn = typeOf.map(function (t) { return Boolean(state.types[t]); });
    var touched = new Uint8Array(nN), edges = [], nodes = [], k, e, ds, ok;
    for (e = 0; e < nE; e += 1) {
      if (!state.pols[polOf[e]] || E.w[e] < state.minW || !typeOn[E.s[e]] || !typeOn[E.t[e]]) { continue; }
      if (dated) {
        ds = E.d[e];
        ok = false;
        for (k = 0; k < ds.length; k += 1) { if (ds[k] >= lo && ds[k] <= hi) { ok = true; break; } }
        if (!ok) { continue; }
      }
      edges.push(e);
      touched[E.s[e]] = 1;
      touched[E.t[e]] = 1;
    }
    var active = edgeFiltersActive();
    for (k = 0; k < nN; k += 1) {
      if (typeOn[k] && (!active || wholeDegree[k] === 0 || touched[k])) { nodes.push(k); }
    }
    return { nodes: nodes, edges: edges };
  }

  // THE ranking rule, the same as _rank in kg/viz.py (see its docstring):
  // 1. all of the selection if it is within both limits; else
  // 2. the maxNodes nodes of highest degree among the selected edges (a self-loop counts twice),
  //    then highest strength (the sum of those edges' strengths, added in edge order), then lowest number;
  // 3. the maxEdges strongest selected edges between them (ties: source, target, edge number);
  // 4. without the kept nodes left with no drawn edge, unless they had no selected edge at all.
  function rank(nodes, edges, maxNodes, maxEdges) {
    if (nodes.length <= maxNodes && edges.length <= maxEdges) {
      return { nodes: nodes.slice(), edges: edges.slice() };
    }
    var degree = {}, strength = {}, keep = {}, touched = {};
    nodes.forEach(function (v) { degree[v] = 0; strength[v] = 0; });
    edges.forEach(function (e) {
      var a = E.s[e], b = E.t[e];
      degree[a] += 1;
      degree[b] += 1;
      strength[a] += E.w[e];
      strength[b] += E.w[e];
    });
    var ranked = nodes.slice().sort(function (u, v) {
      if (degree[u] !== degree[v]) { return degree[v] - degree[u]; }
      if (strength[u] !== strength[v]) { return strength[u] > strength[v] ? -1 : 1; }
      return u - v;
    });
    ranked.slice(0, maxNodes).forEach(function (v) { keep[v] = true; });
    var candidates = edges.filter(function (e) { return keep[E.s[e]] && keep[E.t[e]]; });
    candidates.sort(function (a, b) {
      if (E.w[a] !== E.w[b]) { return E.w[a] > E.w[b] ? -1 : 1; }
      return (E.s[a] - E.s[b]) || (E.t[a] - E.t[b]) || (a - b);
    });
    var chosen = candidates.slice(0, maxEdges).sort(function (a, b) { return a - b; });
    chosen.forEach(function (e) { touched[E.s[e]] = true; touched[E.t[e]] = true; });
    var drawn = nodes.filter(function (v) { return keep[v] && (touched[v] || degree[v] === 0); });
    return { nodes: drawn, edges: chosen };
  }

  // Found actors that pass the filters, each with its strongest ties among the selected edges.
  function addPins(selection, part) {
    if (!pins.length) { return part; }
    var inSel = {}, edgeSel = {}, nodeSet = {}, edgeSet = {};
    selection.nodes.forEach(function (v) { inSel[v] = true; });
    selection.edges.forEach(function (e) { edgeSel[e] = true; });
    part.nodes.forEach(function (v) { nodeSet[v] = true; });
    part.edges.forEach(function (e) { edgeSet[e] = true; });
    pins.forEach(function (v) {
      if (!inSel[v]) { return; }
      nodeSet[v] = true;
      incident[v].filter(function (e) { return edgeSel[e]; })
        .sort(function (a, b) { return (E.w[a] !== E.w[b]) ? (E.w[a] > E.w[b] ? -1 : 1) : a - b; })
        .slice(0, TIES_PER_PIN)
        .forEach(function (e) { edgeSet[e] = true; nodeSet[E.s[e]] = true; nodeSet[E.t[e]] = true; });
    });
    var num = function (a, b) { return a - b; };
    return {
      nodes: Object.keys(nodeSet).map(Number).sort(num),
      edges: Object.keys(edgeSet).map(Number).sort(num)
    };
  }

  // ---------------------------------------------------------------- drawing
  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);
  var network = null;
  var drawnN = {}, drawnE = {};  // what the DataSets hold
  var placed = {};               // fresh nodes given a place in this round of place()

  // Starting places for nodes never drawn before: beside their drawn (or just placed)
  // neighbours, else on a ring round the drawing. Deterministic.
  function place(fresh, edgeIds) {
    if (!fresh.length) { return; }
    var isFresh = {}, nbrs = {};
    fresh.forEach(function (v) { isFresh[v] = true; nbrs[v] = []; });
    edgeIds.forEach(function (e) {
      var a = E.s[e], b = E.t[e];
      if (isFresh[a] && a !== b) { nbrs[a].push(b); }
      if (isFresh[b] && a !== b) { nbrs[b].push(a); }
    });
    var cx = 0, cy = 0, count = 0, radius = 0;
    Object.keys(drawnN).forEach(function (v) {
      var p = posCache[v];
      if (p && !isFresh[v]) { cx += p.x; cy += p.y; count += 1; }
    });
    if (count) { cx /= count; cy /= count; }
    Object.keys(drawnN).forEach(function (v) {
      var p = posCache[v];
      if (p && !isFresh[v]) { radius = Math.max(radius, Math.sqrt((p.x - cx) * (p.x - cx) + (p.y - cy) * (p.y - cy))); }
    });
    var pending = fresh.slice(), ring = 0, golden = 2.399963;
    while (pending.length) {
      var rest = [];
      pending.forEach(function (v) {
        var sx = 0, sy = 0, c = 0;
        nbrs[v].forEach(function (u) {
          var p = (!isFresh[u] || placed[u]) ? posCache[u] : null;
          if (p) { sx += p.x; sy += p.y; c += 1; }
        });
        if (c) {
          posCache[v] = { x: sx / c + 70 * Math.cos(v * golden), y: sy / c + 70 * Math.sin(v * golden) };
          placed[v] = true;
        } else {
          rest.push(v);
        }
      });
      if (rest.length === pending.length) {  // nothing beside anything placed: open a new spot on the ring
        var v0 = rest.shift(), r = radius + 200 + 40 * Math.sqrt(ring);
        posCache[v0] = { x: cx + r * Math.cos(ring * golden), y: cy + r * Math.sin(ring * golden) };
        placed[v0] = true;
        ring += 1;
      }
      pending = rest;
    }
  }

  // Bring the DataSets to the given part; return the nodes that need a place found by physics.
  function draw(nodeIds, edgeIds) {
    var wantN = {}, wantE = {};
    nodeIds.forEach(function (v) { wantN[v] = true; });
    edgeIds.forEach(function (e) { wantE[e] = true; });
    if (network) {  // remember where everything is (the reader may have dragged nodes)
      var current = network.getPositions();
      Object.keys(current).forEach(function (v) { posCache[v] = current[v]; });
    }
    var goneN = Object.keys(drawnN).map(Number).filter(function (v) { return !wantN[v]; });
    var goneE = Object.keys(drawnE).map(Number).filter(function (e) { return !wantE[e]; });
    var newN = nodeIds.filter(function (v) { return !drawnN[v]; });
    var newE = edgeIds.filter(function (e) { return !drawnE[e]; });
    if (goneE.length) { edges.remove(goneE); }
    if (goneN.length) { nodes.remove(goneN); }
    goneE.forEach(function (e) { delete drawnE[e]; });
    goneN.forEach(function (v) { delete drawnN[v]; });
    var fresh = newN.filter(function (v) { return !posCache[v]; });
    placed = {};
    place(fresh, edgeIds);
    newN.forEach(function (v) { drawnN[v] = true; });
    newE.forEach(function (e) { drawnE[e] = true; });
    if (newN.length) { nodes.add(newN.map(nodeRecord)); }
    if (newE.length) { edges.add(newE.map(edgeRecord)); }
    return fresh;
  }

  var api = {
    network: null, nodes: nodes, edges: edges, data: data, state: state,
    stabilized: false, lastSearch: [], rank: rank, select: select,
    totalNodes: data.totalNodes, totalEdges: data.totalEdges
  };
  window.kgViz = api;

  // ---------------------------------------------------------------- physics: stop once settled
  // layouts: stabilisations still running; holding: nodes held fixed meanwhile; laying: the
  // fresh nodes they are placing; whenSettled: what waits for the layout (search's focus).
  var layouts = 0, holding = {}, laying = {}, whenSettled = [];
  function settled() {
    layouts = Math.max(0, layouts - 1);
    if (layouts > 0) { return; }
    network.setOptions({ physics: { enabled: false } });
    var hold = Object.keys(holding).map(Number).filter(function (v) { return drawnN[v]; });
    holding = {};
    laying = {};
    if (hold.length) { nodes.update(hold.map(function (v) { return { id: v, fixed: false }; })); }
    api.stabilized = true;
    api.settledAt = now();
    document.body.setAttribute("data-stabilized", "1");
    byId("kg-physics").textContent = nN === 0 ? "This network is empty: no stances match."
      : "Layout settled; physics is off (drag nodes to rearrange).";
    var todo = whenSettled;
    whenSettled = [];
    todo.forEach(function (fn) { fn(); });
  }

  function afterLayout(fn) {
    if (api.stabilized) { fn(); } else { whenSettled.push(fn); }
  }

  // Lay out the fresh nodes with physics, holding the others where they are.
  function relayout(fresh, fit) {
    fresh.forEach(function (v) { laying[v] = true; });
    var newlyHeld = Object.keys(drawnN).map(Number).filter(function (v) { return !laying[v] && !holding[v]; });
    if (newlyHeld.length) { nodes.update(newlyHeld.map(function (v) { return { id: v, fixed: true }; })); }
    newlyHeld.forEach(function (v) { holding[v] = true; });
    api.stabilized = false;
    document.body.setAttribute("data-stabilized", "0");
    byId("kg-physics").textContent = "Laying out " + fmtCount(fresh.length) + " new nodes\u2026";
    layouts += 1;
    network.setOptions({ physics: { enabled: true, stabilization: { fit: Boolean(fit) } } });
    network.stabilize(data.options.physics.stabilization.iterations);
  }

  // ---------------------------------------------------------------- notice and counts
  // The same words as _notice in kg/viz.py.
  function noticeText(noun, shownNodes, matchingNodes, shownEdges, matchingEdges) {
    var left = [];
    if (matchingNodes > shownNodes) { left.push(fmtCount(matchingNodes - shownNodes) + " " + noun); }
    if (matchingEdges > shownEdges) { left.push(fmtCount(matchingEdges - shownEdges) + " edges"); }
    if (!left.length) { return ""; }
    return "Large network: showing " + fmtCount(shownNodes) + " of " + fmtCount(matchingNodes) + " " + noun +
      " matching the filters and " + fmtCount(shownEdges) + " of " + fmtCount(matchingEdges) + " edges; " +
      left.join(" and ") + " left out \u2014 raise the limits or narrow the filters (drawn: the best-connected " +
      noun + " and the strongest edges among them).";
  }

  function report(selection, part) {
    var notice = byId("kg-notice");
    var text = noticeText(data.noun, part.nodes.length, selection.nodes.length, part.edges.length,
      selection.edges.length);
    notice.textContent = text;
    notice.hidden = !text;
    var count = byId("kg-count");
    count.textContent = "Drawing " + fmtCount(part.nodes.length) + " of " + fmtCount(selection.nodes.length) +
      " matching nodes and " + fmtCount(part.edges.length) + " of " + fmtCount(selection.edges.length) +
      " matching edges" + (selection.nodes.length < nN || selection.edges.length < nE
        ? " (network: " + fmtCount(nN) + " nodes, " + fmtCount(nE) + " edges)." : ".");
    count.setAttribute("data-nodes", String(part.nodes.length));
    count.setAttribute("data-edges", String(part.edges.length));
    count.setAttribute("data-matching-nodes", String(selection.nodes.length));
    count.setAttribute("data-matching-edges", String(selection.edges.length));
  }

  // ---------------------------------------------------------------- apply: filters -> drawing
  function apply() {
    var start = now();
    var selection = select();
    var part = addPins(selection, rank(selection.nodes, selection.edges, state.maxNodes, state.maxEdges));
    var fresh = draw(part.nodes, part.edges);
    report(selection, part);
    api.selection = selection;
    api.drawn = part;
    api.visible = { nodes: part.nodes.length, edges: part.edges.length };
    if (network) {
      var big = part.nodes.length > 150 || part.edges.length > 400;
      if (big !== api.big) {
        network.setOptions({ edges: { smooth: { enabled: !big } }, interaction: { hideEdgesOnDrag: big } });
        api.big = big;
      }
      if (fresh.length) { relayout(fresh, fresh.length * 2 > part.nodes.length); }
    }
    api.lastApplyMs = now() - start;
    return api.visible;
  }
  api.apply = apply;

  // ---------------------------------------------------------------- the first drawing
  apply();
  var container = byId("kg-network");
  network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  api.network = network;
  api.big = data.options.edges.smooth.enabled === false;
  network.once("afterDrawing", function () { api.firstDrawAt = now(); });
  network.on("stabilizationIterationsDone", settled);
  if (nodes.length === 0) {
    layouts = 1;
    settled();
  } else {
    layouts = 1;
  }

  // ---------------------------------------------------------------- filter controls
  function checkbox(parent, key, text, dict, prefix, k) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = prefix + k;
    box.setAttribute("data-value", key);
    box.addEventListener("change", function () { dict[key] = box.checked; apply(); });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + text));
    parent.appendChild(label);
  }
  data.types.forEach(function (t, k) {
    checkbox(byId("kg-types"), t, data.typeNames[t] || t, state.types, "kg-type-", k);
  });
  data.polarities.forEach(function (p, k) {
    checkbox(byId("kg-pols"), p, (data.polarityNames || {})[p] || p, state.pols, "kg-pol-", k);
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

  var maxNodesBox = byId("kg-max-nodes"), maxEdgesBox = byId("kg-max-edges");
  maxNodesBox.max = String(Math.max(nN, data.maxNodes));
  maxEdgesBox.max = String(Math.max(nE, data.maxEdges));
  function limit(box, key, least) {
    box.addEventListener("change", function () {
      var value = parseInt(box.value, 10);
      if (!isFinite(value) || value < least) { value = state[key]; }
      box.value = String(value);
      if (value !== state[key]) { state[key] = value; apply(); }
    });
  }
  limit(maxNodesBox, "maxNodes", 1);
  limit(maxEdgesBox, "maxEdges", 0);

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

  // ---------------------------------------------------------------- search (the whole network)
  var labels = byId("kg-labels");
  V.l.slice().sort().forEach(function (label) {
    var opt = document.createElement("option");
    opt.value = label;
    labels.appendChild(opt);
  });
  var lower = V.l.map(function (label) { return label.toLowerCase(); });

  function search(query) {
    var q = String(query || "").trim().toLowerCase();
    var result = byId("kg-search-result");
    var hits = [], k;
    if (q) {
      for (k = 0; k < nN; k += 1) { if (lower[k] === q) { hits.push(k); } }
      if (!hits.length) {
        for (k = 0; k < nN; k += 1) { if (lower[k].indexOf(q) !== -1) { hits.push(k); } }
      }
      hits.sort(function (a, b) { return (wholeDegree[b] - wholeDegree[a]) || (a - b); });
    }
    api.lastSearch = hits;
    var inSel = {};
    select().nodes.forEach(function (v) { inSel[v] = true; });
    var shown = hits.filter(function (v) { return inSel[v]; });
    pins = shown.slice(0, MAX_PINS);
    apply();
    if (!q) {
      network.unselectAll();
      result.textContent = "";
      return [];
    }
    if (!hits.length) {
      network.unselectAll();
      result.textContent = "No actor matches \u201c" + String(query).trim() + "\u201d.";
      return hits;
    }
    var hidden = hits.length - shown.length;
    var drawnHits = hits.filter(function (v) { return drawnN[v]; });
    result.textContent = (hits.length === 1 ? "Found " : "Found " + fmtCount(hits.length) + ", first: ") +
      V.l[hits[0]] + (hidden ? " (" + fmtCount(hidden) + " hidden by the filters)" : "") +
      (shown.length > MAX_PINS ? "; the first " + MAX_PINS + " are drawn with their strongest ties" : "") + ".";
    afterLayout(function () {
      if (api.lastSearch !== hits) { return; }  // a newer search came first
      network.selectNodes(drawnHits, true);
      if (drawnHits.length) {
        network.focus(drawnHits[0], { scale: 1.3, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
      }
    });
    return hits;
  }
  api.search = search;
  var searchBox = byId("kg-search");
  byId("kg-search-go").addEventListener("click", function () { search(searchBox.value); });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { search(searchBox.value); }
  });
})();
