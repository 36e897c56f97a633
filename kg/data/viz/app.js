// The interactive graph of sgkg: overview and drill-down, labels, legend, filters, date
// range, search and focus, the click panel, the view in the address, PNG and CSV export.
// Every piece of text from the graph is set with textContent or drawn on the canvas,
// never parsed as HTML.
(function () {
  "use strict";

  performance.mark("kg-start");
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg-parsed");
  var details = data.details;
  // The whole graph was laid out ahead; otherwise only what is drilled into is drawn.
  var whole = data.opening === "graph";
  var LABEL_FONT = "12px system-ui, sans-serif";
  var LABEL_CHARS = 26;
  var DETAIL_SCALE = 0.9; // zoom from which findings, people and the rest are labelled
  var DRILL_LIMIT = 1500; // most nodes a drill-down draws
  var RING_GAP = 260;
  var FADED = 0.15;
  var FIT_SIDE = 110; // pixels kept free at the left and right of a fitted view, for labels
  var FIT_END = 45; // and at the top and bottom
  var OVERVIEW_TIES = 0.3; // opacity of the overview's ties when nothing is in focus
  var SMALLEST = 3; // pixels: the radius of the smallest node when a view opens
  var LARGEST = 18; // and of the largest

  var gradeColours = new Map(data.grades.map(function (grade) { return [grade.label, grade.color]; }));
  details.forEach(function (detail) {
    detail.alt = detail.alt || [];
    detail.themes = detail.themes || [];
    detail.areas = detail.areas || [];
  });
  // The links and what the panel shows are read when first wanted: on a national corpus
  // the first drawing (the overview) needs neither.
  var lazy = {};
  function once(key, make) {
    if (!(key in lazy)) { lazy[key] = make(); }
    return lazy[key];
  }
  function block(id) { return JSON.parse(document.getElementById(id).textContent); }
  function links() { return once("links", function () { return block("kg-links"); }); }
  function more(id) { return once("more", function () { return block("kg-more"); })[id]; }
  function incidentOf(id) {
    return once("incident", function () {
      var found = details.map(function () { return []; });
      links().forEach(function (link, index) { found[link[0]].push(index); found[link[1]].push(index); });
      return found;
    })[id];
  }
  function neighbours(id) {
    return incidentOf(id).map(function (index) { var link = links()[index]; return link[0] === id ? link[1] : link[0]; });
  }
  // vis-network's nodes and edges, made for the whole graph when it was laid out ahead,
  // else for each part as it is drawn.
  var base = new vis.DataSet(whole ? details.map(function (_, id) { return visNode(id); }) : []);
  var edges = new vis.DataSet(whole ? links().map(function (_, index) { return visEdge(index); }) : []);
  function byIri(iri) {
    return once("byIri", function () { return new Map(details.map(function (detail, id) { return [detail.iri, id]; })); }).get(iri);
  }
  function names() {
    return once("names", function () {
      return details.map(function (detail) {
        return [detail.label].concat(detail.alt).map(function (name) { return name.toLocaleLowerCase(); });
      });
    });
  }
  var overview = data.overview ? overviewData(data.overview) : null;
  var importance = details.map(function (detail, id) {
    return (data.classes[detail.cls].key ? 1e9 : 0) + detail.value;
  });
  var years = details.map(function (detail) { return detail.date ? Number(detail.date.slice(0, 4)) : null; });
  var known = years.filter(function (year) { return year !== null; });
  var span = known.length ? [Math.min.apply(null, known), Math.max.apply(null, known)] : null;

  var state = {
    mode: whole ? "graph" : "overview", drill: null, drawn: null,
    hiddenClasses: new Set(), theme: -1, area: -1,
    from: span ? span[0] : null, to: span ? span[1] : null,
    focus: null, depth: 1, near: null, query: ""
  };

  function visNode(id) {
    var detail = details[id];
    var cls = data.classes[detail.cls];
    var title = detail.label;
    if (detail.grade && !title.toLocaleLowerCase().endsWith(detail.grade.toLocaleLowerCase())) { title += " (" + detail.grade + ")"; }
    var node = { id: id, shape: cls.shape, color: detail.grade ? gradeColours.get(detail.grade) : cls.color, weight: detail.value, title: title };
    if (detail.x !== undefined) { node.x = detail.x; node.y = detail.y; }
    return node;
  }

  function width(weight) { return Math.round((1 + 2 * Math.log2(weight)) * 100) / 100; }

  function visEdge(index) {
    var link = links()[index];
    return { id: index, from: link[0], to: link[1], title: data.relations[link[2]], width: width(link[3]) };
  }

  function overviewData(raw) {
    var nodes = raw.nodes.map(function (node) {
      var made = visNode(node.id);
      made.x = node.x;
      made.y = node.y;
      made.weight = node.value;
      if (node.grade) {
        made.color = gradeColours.get(node.grade);
        made.title = details[node.id].label + ": latest grade " + node.grade + " (" + node.date + ")";
      }
      return made;
    });
    var lines = raw.edges.map(function (edge, index) {
      return { id: "o" + index, from: edge.from, to: edge.to, title: edge.relation, width: width(edge.weight),
               failings: edge.failings, color: { opacity: OVERVIEW_TIES } };
    });
    var ties = new Map(raw.nodes.map(function (node) { return [node.id, new Set([node.id])]; }));
    var near = details.map(function () { return []; });
    raw.edges.forEach(function (edge) {
      ties.get(edge.from).add(edge.to);
      ties.get(edge.to).add(edge.from);
      near[edge.from].push(edge.to);
      near[edge.to].push(edge.from);
    });
    return { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(lines), ties: ties, near: near };
  }

  // ---- what is drawn ----

  function inRange(id) {
    var year = years[id];
    return year === null || state.from === null || (year >= state.from && year <= state.to);
  }

  function passesFilters(id) {
    var detail = details[id];
    if (state.hiddenClasses.has(detail.cls)) { return false; }
    if (!inRange(id)) { return false; }
    if (state.mode === "overview") {
      var ties = overview.ties.get(id);
      if (state.theme >= 0 && !ties.has(data.themes[state.theme].id)) { return false; }
      if (state.area >= 0 && !ties.has(data.areas[state.area].id)) { return false; }
      return true;
    }
    if (state.theme >= 0 && detail.themes.indexOf(state.theme) < 0) { return false; }
    if (state.area >= 0 && detail.areas.indexOf(state.area) < 0) { return false; }
    return true;
  }

  function isVisible(id) {
    return passesFilters(id) && (state.mode === "overview" || state.drawn === null || state.drawn.has(id));
  }

  var nodeView = new vis.DataView(base, { filter: function (node) { return isVisible(node.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (edge) { return isVisible(edge.from) && isVisible(edge.to); } });
  var overviewNodes = overview && new vis.DataView(overview.nodes, { filter: function (node) { return isVisible(node.id); } });
  var overviewEdges = overview && new vis.DataView(overview.edges, {
    filter: function (edge) { return isVisible(edge.from) && isVisible(edge.to); }
  });
  performance.mark("kg-ready");
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, currentData(), data.options);
  window.kgNetwork = network;
  window.kgState = state;

  function currentData() {
    return state.mode === "overview" ? { nodes: overviewNodes, edges: overviewEdges } : { nodes: nodeView, edges: edgeView };
  }

  function shownNodes() { return state.mode === "overview" ? overview.nodes : base; }
  function shownEdges() { return state.mode === "overview" ? overview.edges : edges; }
  function shownNear(id) { return state.mode === "overview" ? overview.near[id] : neighbours(id); }

  // Fit the nodes (all drawn, or ids) to the window, leaving room for the labels drawn
  // under the nodes at the edges, which are wider than the nodes.
  function fitView(ids) {
    var box = container.getBoundingClientRect();
    var chosen = ids && ids.length ? ids : network.body.nodeIndices;
    var left = Infinity;
    var right = -Infinity;
    var top = Infinity;
    var bottom = -Infinity;
    chosen.forEach(function (id) {
      var node = network.body.nodes[id];
      if (!node) { return; }
      left = Math.min(left, node.x - node.options.size);
      right = Math.max(right, node.x + node.options.size);
      top = Math.min(top, node.y - node.options.size);
      bottom = Math.max(bottom, node.y + node.options.size);
    });
    if (left === Infinity) { return; }
    var scale = Math.min((box.width - 2 * FIT_SIDE) / Math.max(right - left, 1), (box.height - 2 * FIT_END) / Math.max(bottom - top, 1), 1);
    network.moveTo({ position: { x: (left + right) / 2, y: (top + bottom) / 2 + 8 / scale }, scale: Math.max(scale, 0.01), animation: false });
  }

  // Sizes (in graph units) such that, at the zoom a view opens with, the smallest node is
  // a few pixels wide and the one on which most hangs stands out (in proportion to its
  // value); zooming in enlarges them as usual.
  function sizeNodes() {
    var scale = network.getScale();
    var shown = currentData().nodes.get();
    var values = shown.map(function (node) { return node.weight; });
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    shownNodes().update(shown.map(function (node) {
      var share = high > low ? (node.weight - low) / (high - low) : 0.3;
      return { id: node.id, size: Math.max((SMALLEST + (LARGEST - SMALLEST) * share) / scale, 4) };
    }));
  }

  function showMode() {
    refreshViews();
    faded.forEach(function (ids, set) {
      set.update(Array.from(ids.keys()).map(function (id) { return opacity(set, id, resting(set)); }));
    });
    faded.clear();
    network.setData(currentData());
    network.unselectAll();
    document.getElementById("kg-overview").hidden = !overview || state.mode === "overview";
    document.getElementById("kg-whole").hidden = !whole || state.mode === "graph" && state.drawn === null;
    fitView();
    sizeNodes();
    fitView();
    showStatus();
  }

  // A drill-down: an area's nodes (its own sg:area or a neighbour's) and their
  // neighbours but documents; any other node with its neighbours. Laid out in rings.
  function drill(id) {
    var detail = details[id];
    var part = new Set([id]);
    if (data.classes[detail.cls].label === "Area") {
      var area = data.areas.findIndex(function (choice) { return choice.id === id; });
      details.forEach(function (other, number) { if (other.areas.indexOf(area) >= 0) { part.add(number); } });
      Array.from(part).forEach(function (inside) {
        neighbours(inside).forEach(function (other) {
          if (data.classes[details[other].cls].label !== "Source document") { part.add(other); }
        });
      });
    } else {
      neighbours(id).forEach(function (other) { part.add(other); });
    }
    state.mode = "graph";
    state.drill = id;
    setDrawn(id, part);
    showMode();
  }

  // Draw the part of the graph around id (see drill), nothing faded, id selected.
  function openPart(id) {
    state.focus = null;
    state.near = null;
    state.depth = 1;
    drill(id);
    network.selectNodes([id], false);
    showDetails(id);
    document.body.dataset.selected = String(id);
    saveView();
  }

  function setDrawn(root, part) {
    var order = ring(root, part);
    state.drawn = new Set([].concat.apply([], order).slice(0, DRILL_LIMIT));
    var placed = radial(order.map(function (level) { return level.filter(function (id) { return state.drawn.has(id); }); }));
    base.update(placed.map(function (point) { return Object.assign(visNode(point.id), point); }));
    var lines = [];
    state.drawn.forEach(function (id) {
      incidentOf(id).forEach(function (index) {
        var link = links()[index];
        if (link[0] === id && state.drawn.has(link[1]) && !edges.get(index)) { lines.push(visEdge(index)); }
      });
    });
    edges.update(lines);
    nodeView.refresh();
    edgeView.refresh();
  }

  // Breadth-first rings from root within part; the important nodes first in each ring.
  function ring(root, part) {
    var seen = new Set([root]);
    var levels = [[root]];
    while (levels[levels.length - 1].length) {
      var next = [];
      levels[levels.length - 1].forEach(function (id) {
        neighbours(id).filter(function (other) { return part.has(other) && !seen.has(other); })
          .sort(function (a, b) { return importance[b] - importance[a] || a - b; })
          .forEach(function (other) { seen.add(other); next.push(other); });
      });
      levels.push(next);
    }
    levels.pop();
    var rest = Array.from(part).filter(function (id) { return !seen.has(id); }).sort(function (a, b) { return a - b; });
    if (rest.length) { levels.push(rest); }
    return levels;
  }

  function radial(levels) {
    var placed = [{ id: levels[0][0], x: 0, y: 0 }];
    var radius = 0;
    levels.slice(1).forEach(function (level) {
      radius = Math.max(radius + RING_GAP, level.length * 70 / (2 * Math.PI));
      level.forEach(function (id, number) {
        var angle = 2 * Math.PI * number / level.length;
        placed.push({ id: id, x: Math.round(radius * Math.cos(angle)), y: Math.round(radius * Math.sin(angle)) });
      });
    });
    return placed;
  }

  // ---- focus: the chosen node and its neighbourhood stay bright, the rest fades ----

  function neighbourhood(id, depth) {
    var near = new Set([id]);
    var frontier = [id];
    for (var step = 0; step < depth; step += 1) {
      var next = [];
      frontier.forEach(function (node) {
        shownNear(node).forEach(function (other) {
          if (!near.has(other)) { near.add(other); next.push(other); }
        });
      });
      frontier = next;
    }
    return near;
  }

  // Per data set, the opacities that differ from its items' resting one, so that a later
  // fade, or none, resets exactly those. The overview's ties rest half-seen: there are many.
  var faded = new Map();

  function resting(set) { return overview && set === overview.edges ? OVERVIEW_TIES : 1; }

  function opacity(set, id, value) {
    return set === base || overview && set === overview.nodes ? { id: id, opacity: value } : { id: id, color: { opacity: value } };
  }

  function applyFade() {
    var near = state.near;
    var nodeSet = shownNodes();
    [[nodeSet, currentData().nodes.getIds()], [shownEdges(), currentData().edges.getIds()]].forEach(function (pair) {
      var set = pair[0];
      var rest = resting(set);
      var before = faded.get(set) || new Map();
      var now = new Map();
      pair[1].forEach(function (id) {
        if (!near) { return; }
        var item = set === nodeSet ? null : set.get(id);
        var bright = set === nodeSet ? near.has(id) : near.has(item.from) && near.has(item.to);
        var wanted = bright ? 1 : set === nodeSet ? FADED : Math.min(FADED, rest / 3);
        if (wanted !== rest) { now.set(id, wanted); }
      });
      var changed = [];
      before.forEach(function (_, id) { if (!now.has(id)) { changed.push(opacity(set, id, rest)); } });
      now.forEach(function (value, id) { if (before.get(id) !== value) { changed.push(opacity(set, id, value)); } });
      set.update(changed);
      faded.set(set, now);
    });
  }

  function focus(id, depth) {
    if (!passesFilters(id)) { clearFilters(); }
    if (state.mode === "overview" && !overview.ties.has(id)) {
      if (whole) { state.mode = "graph"; state.drawn = null; state.drill = null; showMode(); } else { drill(id); }
    } else if (state.mode === "graph" && !whole && (state.drawn === null || !state.drawn.has(id))) {
      drill(id);
    }
    state.focus = id;
    state.depth = depth || 1;
    state.near = neighbourhood(id, state.depth);
    if (state.mode === "graph" && !whole) {
      var missing = Array.from(state.near).filter(function (other) { return !state.drawn.has(other); });
      if (missing.length) {
        var part = new Set(state.drawn);
        missing.forEach(function (other) { part.add(other); });
        setDrawn(state.drill, part);
      }
    }
    applyFade();
    network.selectNodes([id], false);
    fitView(Array.from(state.near).filter(isVisible));
    showDetails(id);
    document.body.dataset.selected = String(id);
    delete document.body.dataset.edge;
    saveView();
  }

  function clearFocus() {
    state.focus = null;
    state.near = null;
    state.depth = 1;
    network.unselectAll();
    applyFade();
    delete document.body.dataset.selected;
    delete document.body.dataset.edge;
    document.getElementById("kg-panel").replaceChildren(element("p", hint(), "hint"));
    saveView();
  }

  function hint() {
    return state.mode === "overview"
      ? "Click an area, a partner or a theme to see it; \u201cOpen\u201d draws its part of the graph."
      : "Click a node to see its facts and the quotes that support it; Ctrl-click to select several.";
  }

  // ---- labels: drawn by the page, most important first, never overlapping ----

  function shortLabel(text) {
    if (text.length <= LABEL_CHARS) { return text; }
    var cut = text.lastIndexOf(" ", LABEL_CHARS - 1);
    return text.slice(0, cut > LABEL_CHARS / 2 ? cut : LABEL_CHARS - 1).replace(/[\s,;:]+$/, "") + "\u2026";
  }

  var shortLabels = new Map();
  var widths = new Map();

  function drawLabels(ctx) {
    var scale = network.getScale();
    var ratio = ctx.canvas.width / ctx.canvas.clientWidth;
    var width = ctx.canvas.clientWidth;
    var height = ctx.canvas.clientHeight;
    var ids = network.body.nodeIndices.slice();
    ids.sort(function (a, b) {
      var nearA = state.near && state.near.has(a) ? 1 : 0;
      var nearB = state.near && state.near.has(b) ? 1 : 0;
      return (a === state.focus ? -1 : 0) - (b === state.focus ? -1 : 0) || nearB - nearA || importance[b] - importance[a] || a - b;
    });
    var grid = new Map();
    var drawn = [];
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = LABEL_FONT;
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#ffffff";
    ids.forEach(function (id) {
      var near = state.near && state.near.has(id);
      var key = data.classes[details[id].cls].key || state.mode === "overview";
      if (!key && !near && scale < DETAIL_SCALE) { return; }
      var node = network.body.nodes[id];
      var point = network.canvasToDOM({ x: node.x, y: node.y });
      if (!shortLabels.has(id)) { shortLabels.set(id, shortLabel(details[id].label)); }
      var text = shortLabels.get(id);
      if (!widths.has(id)) { widths.set(id, ctx.measureText(text).width); }
      var box = placeLabel(grid, point, widths.get(id) + 4, node.options.size * scale, width, height);
      if (!box) { return; }
      occupy(grid, box);
      ctx.globalAlpha = state.near && !near ? FADED + 0.1 : 1;
      ctx.fillStyle = "#1d2433";
      ctx.strokeText(text, box[0] + 2, box[1]);
      ctx.fillText(text, box[0] + 2, box[1]);
      drawn.push({ id: id, text: text, box: box, faded: Boolean(state.near && !near) });
    });
    ctx.restore();
    window.kgLabels = drawn;
  }

  // The first free place for a label of that width: under the node, over it, to its
  // right, to its left; null when all collide or it would leave the window.
  function placeLabel(grid, point, wide, radius, width, height) {
    var places = [
      [point.x - wide / 2, point.y + radius + 2],
      [point.x - wide / 2, point.y - radius - 17],
      [point.x + radius + 3, point.y - 7],
      [point.x - radius - 3 - wide, point.y - 7]
    ];
    for (var number = 0; number < places.length; number += 1) {
      var box = [places[number][0], places[number][1], places[number][0] + wide, places[number][1] + 15];
      var inside = box[0] >= 0 && box[1] >= 0 && box[2] <= width && box[3] <= height;
      if (inside && !collides(grid, box)) { return box; }
    }
    return null;
  }

  function cells(box) {
    var found = [];
    for (var x = Math.floor(box[0] / 64); x <= Math.floor(box[2] / 64); x += 1) {
      for (var y = Math.floor(box[1] / 32); y <= Math.floor(box[3] / 32); y += 1) { found.push(x + "," + y); }
    }
    return found;
  }

  function collides(grid, box) {
    return cells(box).some(function (cell) {
      return (grid.get(cell) || []).some(function (other) {
        return box[0] < other[2] && other[0] < box[2] && box[1] < other[3] && other[1] < box[3];
      });
    });
  }

  function occupy(grid, box) {
    cells(box).forEach(function (cell) {
      if (!grid.has(cell)) { grid.set(cell, []); }
      grid.get(cell).push(box);
    });
  }

  network.on("beforeDrawing", function (ctx) {
    // A white ground, so that the exported PNG is not transparent.
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });
  network.on("afterDrawing", drawLabels);
  network.once("afterDrawing", function () {
    performance.mark("kg-drawn");
    document.body.dataset.drawn = "true";
  });

  // ---- legend, filters and the date range ----

  function element(tag, text, className) {
    var made = document.createElement(tag);
    if (text !== undefined) { made.textContent = text; }
    if (className) { made.className = className; }
    return made;
  }

  var SVG = "http://www.w3.org/2000/svg";
  var SHAPES = {
    dot: function (r) { return circle(r); },
    square: function (r) { return polygon([[-r, -r], [r, -r], [r, r], [-r, r]]); },
    diamond: function (r) { return polygon([[0, -r], [r, 0], [0, r], [-r, 0]]); },
    triangle: function (r) { return polygon([[0, -r], [r, r * 0.8], [-r, r * 0.8]]); },
    triangleDown: function (r) { return polygon([[0, r], [r, -r * 0.8], [-r, -r * 0.8]]); },
    hexagon: function (r) {
      return polygon([0, 1, 2, 3, 4, 5].map(function (k) { var a = Math.PI / 3 * k; return [r * Math.cos(a), r * Math.sin(a)]; }));
    },
    star: function (r) {
      return polygon([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(function (k) {
        var a = Math.PI / 5 * k - Math.PI / 2;
        var l = k % 2 ? r * 0.45 : r;
        return [l * Math.cos(a), l * Math.sin(a)];
      }));
    }
  };

  function circle(r) {
    var made = document.createElementNS(SVG, "circle");
    made.setAttribute("r", String(r));
    return made;
  }

  function polygon(points) {
    var made = document.createElementNS(SVG, "polygon");
    made.setAttribute("points", points.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" "));
    return made;
  }

  function glyph(shape, colour) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "-8 -8 16 16");
    svg.setAttribute("class", "glyph");
    svg.dataset.shape = shape;
    var mark = SHAPES[shape](6.5);
    mark.setAttribute("fill", colour);
    mark.setAttribute("stroke", "#1d2433");
    mark.setAttribute("stroke-width", "0.8");
    svg.append(mark);
    return svg;
  }

  function buildLegend() {
    var legend = document.getElementById("kg-legend");
    data.classes.forEach(function (cls, index) {
      if (!cls.count) { return; }
      var item = element("li");
      var label = element("label");
      var box = element("input");
      box.type = "checkbox";
      box.checked = !state.hiddenClasses.has(index);
      box.dataset.cls = String(index);
      box.addEventListener("change", function () {
        if (box.checked) { state.hiddenClasses.delete(index); } else { state.hiddenClasses.add(index); }
        refresh();
      });
      label.append(box, glyph(cls.shape, cls.color), element("span", cls.label), element("span", "(" + cls.count + ")", "count"));
      item.append(label);
      legend.append(item);
    });
    var grades = document.getElementById("kg-grades");
    data.grades.forEach(function (grade) {
      var item = element("li");
      item.append(glyph("star", grade.color), element("span", "Judgement: " + grade.label));
      grades.append(item);
    });
    if (overview && data.grades.length) {
      var note = element("li", "In the overview an area takes the colour of its latest grade.", "hint");
      grades.append(note);
    }
  }

  function fillSelect(id, choices, key) {
    var select = document.getElementById(id);
    choices.forEach(function (choice, index) {
      var option = element("option", choice.label + " (" + choice.count + ")");
      option.value = String(index);
      select.append(option);
    });
    select.addEventListener("change", function () {
      state[key] = Number(select.value);
      refresh();
    });
  }

  function buildRange() {
    var box = document.getElementById("kg-dates");
    if (!span) { box.hidden = true; return; }
    ["kg-from", "kg-to"].forEach(function (id) {
      var input = document.getElementById(id);
      input.min = String(span[0]);
      input.max = String(span[1]);
      input.addEventListener("input", function () {
        var from = Number(document.getElementById("kg-from").value);
        var to = Number(document.getElementById("kg-to").value);
        state.from = Math.min(from, to);
        state.to = Math.max(from, to);
        document.getElementById("kg-range").textContent = state.from + "\u2013" + state.to;
        refreshViews();
        showStatus();
        saveView();
      });
    });
    showRange();
  }

  function showRange() {
    if (!span) { return; }
    document.getElementById("kg-from").value = String(state.from);
    document.getElementById("kg-to").value = String(state.to);
    document.getElementById("kg-range").textContent = state.from + "\u2013" + state.to;
  }

  function refreshViews() {
    nodeView.refresh();
    edgeView.refresh();
    if (overview) { overviewNodes.refresh(); overviewEdges.refresh(); }
  }

  function refresh() {
    showRange();
    refreshViews();
    showStatus();
    saveView();
  }

  function clearFilters() {
    state.hiddenClasses.clear();
    state.theme = -1;
    state.area = -1;
    if (span) { state.from = span[0]; state.to = span[1]; }
    document.querySelectorAll("#kg-legend input").forEach(function (box) { box.checked = true; });
    document.getElementById("kg-theme").value = "-1";
    document.getElementById("kg-area").value = "-1";
    refresh();
  }

  function showStatus() {
    var shown = state.mode === "overview" ? overviewNodes.length : nodeView.length;
    var what = state.mode === "overview" ? "overview" : state.drill !== null ? details[state.drill].label : data.view + " view";
    document.getElementById("kg-status").textContent = what + ": " + shown + " of " + details.length + " nodes drawn";
  }

  // ---- the click panel ----

  function jumpButton(id, text) {
    var jump = element("button", text || details[id].label);
    jump.type = "button";
    jump.addEventListener("click", function () { focus(id); });
    return jump;
  }

  function showDetails(id) {
    var detail = details[id];
    var panel = document.getElementById("kg-panel");
    var cls = data.classes[detail.cls];
    panel.replaceChildren(element("h2", detail.label), element("p", cls.label + (detail.date ? ", " + detail.date : "")),
      element("p", detail.iri, "iri"));
    var actions = element("p", undefined, "actions");
    if (!whole && !(state.mode === "graph" && state.drill === id)) {
      var open = element("button", "Open " + shortLabel(detail.label));
      open.type = "button";
      open.id = "kg-open";
      open.addEventListener("click", function () { openPart(id); });
      actions.append(open);
    }
    var expand = element("button", "Expand one step (" + state.depth + ")");
    expand.type = "button";
    expand.id = "kg-expand";
    expand.addEventListener("click", function () { focus(id, state.depth + 1); });
    actions.append(expand);
    panel.append(actions);
    if (detail.alt.length) { panel.append(element("p", "Also called: " + detail.alt.join(", "))); }
    var extra = more(id);
    if (extra.facts.length) {
      var facts = element("dl");
      extra.facts.forEach(function (fact) {
        facts.append(element("dt", fact[0]));
        fact[1].forEach(function (value) { facts.append(element("dd", value)); });
      });
      panel.append(facts);
    }
    showEvidence(panel, extra.evidence);
    panel.append(element("h3", "Links (" + incidentOf(id).length + ")"));
    var list = element("ul");
    incidentOf(id).forEach(function (index) {
      var link = links()[index];
      var other = link[0] === id ? link[1] : link[0];
      var title = data.relations[link[2]];
      var item = element("li", link[0] === id ? title + " \u2192 " : "\u2190 " + title + " ");
      item.append(jumpButton(other));
      list.append(item);
    });
    panel.append(list);
  }

  function showEvidence(panel, evidence) {
    panel.append(element("h3", "Evidence (" + evidence.length + ")"));
    evidence.forEach(function (quoted) {
      var figure = element("figure");
      var file = data.documents[quoted[1]];
      var where = quoted[2] === null ? file : file + ", characters " + quoted[2] + "\u2013" + quoted[3];
      figure.append(element("blockquote", quoted[0]), element("figcaption", where));
      panel.append(figure);
    });
  }

  function showEdge(edgeId) {
    var edge = shownEdges().get(edgeId);
    var panel = document.getElementById("kg-panel");
    panel.replaceChildren(element("h2", details[edge.from].label + " \u2192 " + details[edge.to].label), element("p", edge.title));
    var extra = data.edgeDetails[String(edgeId)];
    if (edge.failings) {
      panel.append(element("h3", "Failings (" + edge.failings.length + ")"));
      var found = element("ul");
      edge.failings.forEach(function (failing) { var item = element("li"); item.append(jumpButton(failing)); found.append(item); });
      panel.append(found);
    } else if (extra) {
      panel.append(element("h3", "Failings (" + extra.failings.length + ")"));
      var list = element("ul");
      extra.failings.forEach(function (failing) { list.append(element("li", failing)); });
      panel.append(list);
      showEvidence(panel, extra.evidence);
    }
    document.body.dataset.edge = String(edgeId);
  }

  // ---- search ----

  function search(text) {
    var query = text.trim().toLocaleLowerCase();
    if (!query) { return []; }
    var found = [];
    names().forEach(function (known, id) {
      var rank = 3;
      known.forEach(function (name) {
        if (name === query) { rank = 0; } else if (rank > 1 && name.startsWith(query)) { rank = 1; } else if (rank > 2 && name.indexOf(query) >= 0) { rank = 2; }
      });
      if (rank < 3) { found.push([rank, details[id].label.toLocaleLowerCase(), id]); }
    });
    found.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]); });
    return found.map(function (match) { return match[2]; });
  }

  function showMatches(found) {
    var list = document.getElementById("kg-matches");
    list.replaceChildren();
    found.slice(1, 11).forEach(function (id) {
      var item = element("li");
      item.append(jumpButton(id));
      list.append(item);
    });
  }

  function runSearch(text) {
    state.query = text;
    var found = search(text);
    var result = document.getElementById("kg-search-result");
    showMatches(found);
    if (!found.length) {
      result.textContent = "Nothing called \u201c" + text.trim() + "\u201d";
      return;
    }
    result.textContent = found.length === 1 ? "1 match" : found.length + " matches (others listed on the left)";
    network.once("afterDrawing", function () { performance.mark("kg-found"); });
    focus(found[0]);
  }

  document.getElementById("kg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    performance.mark("kg-search");
    runSearch(document.getElementById("kg-search").value);
  });

  // ---- the view in the address: filters, focus, depth, date range, drill-down ----

  function saveView() {
    var params = new URLSearchParams();
    params.set("mode", state.mode);
    if (state.mode === "graph" && state.drill !== null) { params.set("drill", details[state.drill].iri); }
    if (state.focus !== null) { params.set("focus", details[state.focus].iri); params.set("depth", String(state.depth)); }
    if (state.hiddenClasses.size) {
      params.set("hide", Array.from(state.hiddenClasses).sort(function (a, b) { return a - b; })
        .map(function (index) { return data.classes[index].label; }).join(","));
    }
    if (state.theme >= 0) { params.set("theme", data.themes[state.theme].label); }
    if (state.area >= 0) { params.set("area", data.areas[state.area].label); }
    if (span && (state.from !== span[0] || state.to !== span[1])) { params.set("from", String(state.from)); params.set("to", String(state.to)); }
    var text = "#" + params.toString();
    if (location.hash !== text) { history.replaceState(null, "", text); }
  }

  function restoreView(hash) {
    var params = new URLSearchParams(hash.replace(/^#/, ""));
    var labels = data.classes.map(function (cls) { return cls.label; });
    state.hiddenClasses = new Set((params.get("hide") || "").split(",").map(function (label) { return labels.indexOf(label); })
      .filter(function (index) { return index >= 0; }));
    document.querySelectorAll("#kg-legend input").forEach(function (box) {
      box.checked = !state.hiddenClasses.has(Number(box.dataset.cls));
    });
    state.theme = data.themes.findIndex(function (choice) { return choice.label === params.get("theme"); });
    state.area = data.areas.findIndex(function (choice) { return choice.label === params.get("area"); });
    document.getElementById("kg-theme").value = String(state.theme);
    document.getElementById("kg-area").value = String(state.area);
    if (span) {
      var from = Number(params.get("from") || span[0]);
      var to = Number(params.get("to") || span[1]);
      state.from = Math.max(span[0], Math.min(from, to));
      state.to = Math.min(span[1], Math.max(from, to));
    }
    var drilled = byIri(params.get("drill"));
    var focused = byIri(params.get("focus"));
    if (params.get("mode") === "overview" && overview) {
      state.mode = "overview"; state.drill = null; state.drawn = null;
    } else if (drilled !== undefined && !whole) {
      state.mode = "graph"; state.drill = drilled;
    } else if (whole) {
      state.mode = "graph"; state.drill = null; state.drawn = null;
    }
    refresh();
    if (state.drill !== null && state.mode === "graph") { drill(state.drill); } else { showMode(); }
    if (focused !== undefined) { focus(focused, Math.max(1, Number(params.get("depth")) || 1)); } else { clearFocus(); }
  }

  // ---- exports: the view as PNG, the selection with its evidence as CSV ----

  function download(blob, name) {
    var link = element("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  function exportPng() {
    network.redraw();
    container.querySelector("canvas").toBlob(function (blob) { download(blob, "sgkg-view.png"); }, "image/png");
  }

  function csvCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; } // a spreadsheet must not read it as a formula
    return /[",\n\r]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function exportCsv() {
    var chosen = network.getSelectedNodes();
    if (chosen.length === 1 && state.near) { chosen = Array.from(state.near).filter(isVisible); }
    if (!chosen.length) { chosen = network.body.nodeIndices.slice(); }
    chosen.sort(function (a, b) { return a - b; });
    var rows = [["label", "class", "iri", "date", "quote", "document", "start", "end"]];
    chosen.forEach(function (id) {
      var detail = details[id];
      var head = [detail.label, data.classes[detail.cls].label, detail.iri, detail.date];
      var evidence = more(id).evidence;
      if (!evidence.length) { rows.push(head.concat(["", "", "", ""])); }
      evidence.forEach(function (quoted) { rows.push(head.concat([quoted[0], data.documents[quoted[1]], quoted[2], quoted[3]])); });
    });
    var text = rows.map(function (row) { return row.map(csvCell).join(","); }).join("\r\n") + "\r\n";
    download(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }), "sgkg-selection.csv");
    document.body.dataset.exported = String(chosen.length);
  }

  // ---- wiring ----

  network.on("click", function (params) {
    if (params.nodes.length) {
      if (params.event.srcEvent && (params.event.srcEvent.ctrlKey || params.event.srcEvent.metaKey)) { return; }
      focus(params.nodes[0]);
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    } else {
      clearFocus();
    }
  });
  document.getElementById("kg-reset").addEventListener("click", function () {
    clearFilters();
    state.mode = whole ? "graph" : "overview";
    state.drill = null;
    state.drawn = null;
    showMode();
    clearFocus();
    showStatus();
  });
  document.getElementById("kg-overview").addEventListener("click", function () {
    state.mode = "overview"; state.drill = null; state.drawn = null;
    showMode(); clearFocus(); showStatus();
  });
  document.getElementById("kg-whole").addEventListener("click", function () {
    state.mode = "graph"; state.drill = null; state.drawn = null;
    refresh(); showMode(); clearFocus(); showStatus();
  });
  document.getElementById("kg-png").addEventListener("click", exportPng);
  document.getElementById("kg-csv").addEventListener("click", exportCsv);
  window.addEventListener("hashchange", function () { restoreView(location.hash); });
  window.addEventListener("resize", function () { network.redraw(); });

  buildLegend();
  fillSelect("kg-theme", data.themes, "theme");
  fillSelect("kg-area", data.areas, "area");
  buildRange();
  if (location.hash.length > 1) { restoreView(location.hash); } else { showMode(); clearFocus(); }
  showStatus();
}());
