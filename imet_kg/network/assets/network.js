// Interactive view of an imet-kg network projection: colours by type, styles by relation,
// details with sources on hover and click, search by name, and a filter by type.
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("imet-data").textContent);
  var style = payload.style;
  var hidden = {};

  function nodeStyle(type) { return style.nodes[type] || style.nodes["default"]; }
  function edgeStyle(predicate) { return style.edges[predicate] || style.edges["default"]; }
  function dashes(kind) { return kind === "dashed" ? [8, 5] : kind === "dotted" ? [2, 4] : false; }
  function text(value) { return value === undefined || value === null ? "" : String(value); }

  function tooltip(lines) {
    var element = document.createElement("div");
    lines.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line;
      element.appendChild(row);
    });
    return element;
  }

  var nodes = new vis.DataSet(payload.nodes.map(function (node) {
    var look = nodeStyle(node.type);
    return {
      id: node.id, label: node.label, group: node.type,
      shape: look.shape === "ellipse" ? "ellipse" : "box",
      color: { background: look.color + "33", border: look.color,
               highlight: { background: look.color + "66", border: look.color } },
      borderWidth: 1.5,
      title: tooltip([node.label, node.type_label, node.id]),
      data: node
    };
  }));
  var edges = new vis.DataSet(payload.edges.map(function (edge, index) {
    var look = edgeStyle(edge.predicate);
    var sources = text(edge.sources);
    return {
      id: "e" + index, from: edge.source, to: edge.target,
      label: text(edge.label) + (edge.date ? " " + edge.date : ""),
      arrows: "to", dashes: dashes(look.style), width: look.style === "bold" ? 2.5 : 1.2,
      color: { color: look.color, highlight: look.color },
      font: { size: 10, color: look.color, strokeWidth: 3, align: "middle" },
      title: tooltip([text(edge.label) + (edge.date ? " (" + edge.date + ")" : ""),
                      "Sources: " + (sources || "none given")]),
      data: edge
    };
  }));

  var nodesView = new vis.DataView(nodes, { filter: function (node) { return !hidden[node.group]; } });
  var network = new vis.Network(document.getElementById("network"), { nodes: nodesView, edges: edges }, {
    layout: { improvedLayout: true },
    physics: {
      stabilization: { iterations: 400 },
      barnesHut: { gravitationalConstant: -5000, centralGravity: 0.6, springLength: 150,
                   springConstant: 0.04, avoidOverlap: 1 }
    },
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false },
    nodes: { font: { size: 13 }, margin: 8, widthConstraint: { maximum: 180 } }
  });
  var settled = false;
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    network.fit();
    settled = true;
  });

  function showDetails(title, pairs) {
    var aside = document.getElementById("details");
    aside.textContent = "";
    var heading = document.createElement("h2");
    heading.textContent = title;
    aside.appendChild(heading);
    var list = document.createElement("dl");
    pairs.forEach(function (pair) {
      if (!pair[1]) { return; }
      var term = document.createElement("dt");
      term.textContent = pair[0];
      var value = document.createElement("dd");
      value.textContent = pair[1];
      list.appendChild(term);
      list.appendChild(value);
    });
    aside.appendChild(list);
  }

  network.on("click", function (event) {
    if (event.nodes.length) {
      var node = nodes.get(event.nodes[0]).data;
      showDetails(node.label, [["Type", node.type_label], ["IRI", node.id]]);
    } else if (event.edges.length) {
      var edge = edges.get(event.edges[0]).data;
      showDetails(text(edge.label), [
        ["From", nodes.get(edge.source).data.label], ["To", nodes.get(edge.target).data.label],
        ["Date", edge.date], ["Sources", edge.sources], ["Claims", edge.claims]]);
    }
  });

  function visibleCount() { return nodesView.getIds().length; }
  function updateCount() {
    document.getElementById("count").textContent =
      visibleCount() + " of " + payload.nodes.length + " entities, " + payload.edges.length + " relations";
  }

  var types = {};
  payload.nodes.forEach(function (node) { types[node.type] = node.type_label; });
  var filter = document.getElementById("types");
  Object.keys(types).sort().forEach(function (type) {
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = type;
    box.addEventListener("change", function () {
      hidden[type] = !box.checked;
      nodesView.refresh();
      updateCount();
    });
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = nodeStyle(type).color;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(types[type]));
    filter.appendChild(label);
  });

  document.getElementById("search").addEventListener("input", function (event) {
    var words = event.target.value.trim().toLowerCase();
    var matches = words ? nodesView.get({ filter: function (node) {
      return node.label.toLowerCase().indexOf(words) >= 0;
    } }).map(function (node) { return node.id; }) : [];
    network.selectNodes(matches);
    if (matches.length) { network.fit({ nodes: matches, animation: false }); }
  });

  updateCount();
  window.imetNetwork = {
    network: network,
    nodeCount: payload.nodes.length,
    edgeCount: payload.edges.length,
    visibleNodes: visibleCount,
    settled: function () { return settled; },
    selectedNodes: function () { return network.getSelectedNodes(); }
  };
})();
