// The interactive graph of sgkg: legend, filters, search and the click panel.
// Every piece of text from the graph is set with textContent, never parsed as HTML.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var details = data.details;
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var state = { hiddenClasses: new Set(), theme: -1, area: -1, dimmed: false };
  var names = details.map(function (detail) {
    return [detail.label].concat(detail.alt).map(function (name) { return name.toLocaleLowerCase(); });
  });

  function isVisible(id) {
    var detail = details[id];
    if (state.hiddenClasses.has(detail.cls)) { return false; }
    if (state.theme >= 0 && detail.themes.indexOf(state.theme) < 0) { return false; }
    if (state.area >= 0 && detail.areas.indexOf(state.area) < 0) { return false; }
    return true;
  }

  var nodeView = new vis.DataView(nodes, { filter: function (node) { return isVisible(node.id); } });
  var network = new vis.Network(document.getElementById("kg-network"), { nodes: nodeView, edges: edges }, data.options);
  window.kgNetwork = network;
  network.once("afterDrawing", function () {
    performance.mark("kg-drawn");
    document.body.dataset.drawn = "true";
  });

  function element(tag, text, className) {
    var made = document.createElement(tag);
    if (text !== undefined) { made.textContent = text; }
    if (className) { made.className = className; }
    return made;
  }

  function swatch(colour) {
    var box = element("span", undefined, "swatch");
    box.style.background = colour;
    return box;
  }

  function buildLegend() {
    var legend = document.getElementById("kg-legend");
    data.classes.forEach(function (cls, index) {
      if (!cls.count) { return; }
      var item = element("li");
      var label = element("label");
      var box = element("input");
      box.type = "checkbox";
      box.checked = true;
      box.dataset.cls = String(index);
      box.addEventListener("change", function () {
        if (box.checked) { state.hiddenClasses.delete(index); } else { state.hiddenClasses.add(index); }
        refresh();
      });
      label.append(box, swatch(cls.color), element("span", cls.label), element("span", "(" + cls.count + ")", "count"));
      item.append(label);
      legend.append(item);
    });
    var grades = document.getElementById("kg-grades");
    data.grades.forEach(function (grade) {
      var item = element("li");
      item.append(swatch(grade.color), element("span", "Judgement: " + grade.label));
      grades.append(item);
    });
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

  function refresh() {
    nodeView.refresh();
    showStatus();
  }

  function resetFilters() {
    state.hiddenClasses.clear();
    state.theme = -1;
    state.area = -1;
    document.querySelectorAll("#kg-legend input").forEach(function (box) { box.checked = true; });
    document.getElementById("kg-theme").value = "-1";
    document.getElementById("kg-area").value = "-1";
    refresh();
  }

  function showStatus() {
    document.getElementById("kg-status").textContent =
      data.view + " view: " + nodeView.length + " of " + details.length + " nodes, " + edges.length + " edges";
  }

  function undim() {
    if (!state.dimmed) { return; }
    nodes.update(nodes.getIds().map(function (id) { return { id: id, opacity: 1 }; }));
    state.dimmed = false;
  }

  function highlight(id) {
    var near = new Set(network.getConnectedNodes(id));
    near.add(id);
    nodes.update(nodes.getIds().map(function (other) { return { id: other, opacity: near.has(other) ? 1 : 0.15 }; }));
    state.dimmed = true;
  }

  function select(id) {
    if (!isVisible(id)) { resetFilters(); }
    network.selectNodes([id], true);
    network.focus(id, { scale: Math.max(network.getScale(), 1), animation: false });
    highlight(id);
    showDetails(id);
    document.body.dataset.selected = String(id);
    delete document.body.dataset.edge;
  }

  function clearSelection() {
    network.unselectAll();
    undim();
    delete document.body.dataset.selected;
    delete document.body.dataset.edge;
    var panel = document.getElementById("kg-panel");
    panel.replaceChildren(element("p", "Click a node to see its facts and the quotes that support it.", "hint"));
  }

  function showDetails(id) {
    var detail = details[id];
    var panel = document.getElementById("kg-panel");
    panel.replaceChildren(element("h2", detail.label), element("p", data.classes[detail.cls].label), element("p", detail.iri, "iri"));
    if (detail.alt.length) { panel.append(element("p", "Also called: " + detail.alt.join(", "))); }
    if (detail.facts.length) {
      var facts = element("dl");
      detail.facts.forEach(function (fact) {
        facts.append(element("dt", fact[0]));
        fact[1].forEach(function (value) { facts.append(element("dd", value)); });
      });
      panel.append(facts);
    }
    showEvidence(panel, detail.evidence);
    panel.append(element("h3", "Links"));
    var links = element("ul");
    network.getConnectedEdges(id).forEach(function (edgeId) {
      var edge = edges.get(edgeId);
      var other = edge.from === id ? edge.to : edge.from;
      var item = element("li", (edge.from === id ? edge.title + " \u2192 " : "\u2190 " + edge.title + " "));
      var jump = element("button", details[other].label);
      jump.type = "button";
      jump.addEventListener("click", function () { select(other); });
      item.append(jump);
      links.append(item);
    });
    panel.append(links);
  }

  function showEvidence(panel, evidence) {
    panel.append(element("h3", "Evidence (" + evidence.length + ")"));
    evidence.forEach(function (span) {
      var figure = element("figure");
      var where = span.start === null ? span.document : span.document + ", characters " + span.start + "\u2013" + span.end;
      figure.append(element("blockquote", span.quote), element("figcaption", where));
      panel.append(figure);
    });
  }

  function showEdge(edgeId) {
    var edge = edges.get(edgeId);
    var panel = document.getElementById("kg-panel");
    panel.replaceChildren(
      element("h2", details[edge.from].label + " \u2192 " + details[edge.to].label),
      element("p", edge.title)
    );
    var extra = data.edgeDetails[String(edgeId)];
    if (extra) {
      panel.append(element("h3", "Failings (" + extra.failings.length + ")"));
      var list = element("ul");
      extra.failings.forEach(function (failing) { list.append(element("li", failing)); });
      panel.append(list);
      showEvidence(panel, extra.evidence);
    }
    document.body.dataset.edge = String(edgeId);
  }

  function search(text) {
    var query = text.trim().toLocaleLowerCase();
    if (!query) { return []; }
    var found = [];
    names.forEach(function (known, id) {
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
      var jump = element("button", details[id].label);
      jump.type = "button";
      jump.addEventListener("click", function () { select(id); });
      item.append(jump);
      list.append(item);
    });
  }

  document.getElementById("kg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    performance.mark("kg-search");
    var text = document.getElementById("kg-search").value;
    var found = search(text);
    var result = document.getElementById("kg-search-result");
    showMatches(found);
    if (!found.length) {
      result.textContent = "Nothing called \u201c" + text.trim() + "\u201d";
      return;
    }
    result.textContent = found.length === 1 ? "1 match" : found.length + " matches (others listed on the left)";
    network.once("afterDrawing", function () { performance.mark("kg-found"); });
    select(found[0]);
  });

  network.on("click", function (params) {
    if (params.nodes.length) {
      select(params.nodes[0]);
    } else if (params.edges.length) {
      undim();
      showEdge(params.edges[0]);
    } else {
      clearSelection();
    }
  });
  document.getElementById("kg-reset").addEventListener("click", function () { resetFilters(); clearSelection(); network.fit(); });

  buildLegend();
  fillSelect("kg-theme", data.themes, "theme");
  fillSelect("kg-area", data.areas, "area");
  showStatus();
}());
