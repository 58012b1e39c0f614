// The SPARQL page: the bundled YASGUI editor (Yasqe) over the query box, the saved queries as
// starting points, the query posted to the endpoint, and the answer as a table in which every
// IRI of this graph is shown by its label and linked to its page here. A refusal is shown with
// its status and what it means. Without the editor (no script), the form posts the query.
(function () {
  "use strict";
  var site = document.body.dataset.site;
  var BASE = "https://w3id.org/imet-kg/";
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var form = document.getElementById("query-form");
  var box = document.getElementById("query");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var editor = null;
  if (typeof Yasgui !== "undefined" && Yasgui.Yasqe) {
    var holder = document.createElement("div");
    holder.id = "editor";
    box.parentNode.insertBefore(holder, box);
    box.hidden = true;
    editor = new Yasgui.Yasqe(holder, {
      value: box.value,
      // prefixes and variables only: the class and property completers ask a site elsewhere
      autocompleters: ["prefixes", "variables"],
      showQueryButton: false,
      persistenceId: null,
      createShareableLink: null,
      resizeable: true,
      editorHeight: "22rem"
    });
    editor.on("change", function () { box.value = editor.getValue(); });
    editor.addKeyMap({ "Ctrl-Enter": function () { run(); }, "Cmd-Enter": function () { run(); } });
  }
  function text() { return editor ? editor.getValue() : box.value; }
  function setText(value) { if (editor) { editor.setValue(value); } else { box.value = value; } }

  document.getElementById("examples").addEventListener("change", function (event) {
    var chosen = examples[event.target.value];
    if (chosen) { setText(chosen); }
  });

  var HELP = {
    400: "The endpoint reads standard SPARQL 1.1 and answers from this graph alone: it is read-only, and calls no SERVICE elsewhere.",
    403: "The endpoint is read-only and answers from this graph alone.",
    413: "The query is longer than the endpoint accepts.",
    422: "The answer has more rows than the endpoint gives: add LIMIT, aggregate, or download a saved query's answer.",
    503: "The query ran past the time limit and was stopped, or the server is busy: narrow it, or try again."
  };

  function local(iri) { return iri.indexOf(BASE) === 0 ? site + iri.slice(BASE.length) : iri; }

  function cell(binding, labels) {
    var td = document.createElement("td");
    if (!binding) { return td; }
    if (binding.type === "uri") {
      var link = document.createElement("a");
      link.href = local(binding.value);
      link.title = binding.value;
      link.textContent = labels[binding.value] || binding.value;
      td.appendChild(link);
    } else {
      td.textContent = binding.value;
      if (binding.datatype && /#(integer|decimal|double|float|int|long|gYear)$/.test(binding.datatype)) {
        td.className = "number";
      }
    }
    return td;
  }

  function show(data, labels) {
    results.textContent = "";
    if (typeof data.boolean === "boolean") {
      results.textContent = data.boolean ? "true" : "false";
      return 1;
    }
    var wide = document.createElement("div");
    wide.className = "wide";
    var table = document.createElement("table");
    table.className = "answer";
    var head = table.createTHead().insertRow();
    data.head.vars.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.results.bindings.forEach(function (row) {
      var tr = body.insertRow();
      data.head.vars.forEach(function (name) { tr.appendChild(cell(row[name], labels)); });
    });
    wide.appendChild(table);
    results.appendChild(wide);
    return data.results.bindings.length;
  }

  function post(query, accept) {
    return fetch(site + "sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: new URLSearchParams({ query: query })
    });
  }

  // The labels of the answer's IRIs of this graph, asked of the endpoint itself (at most 500).
  function labelsOf(data) {
    var seen = {};
    (data.results ? data.results.bindings : []).forEach(function (row) {
      Object.keys(row).forEach(function (name) {
        var term = row[name];
        if (term.type === "uri" && term.value.indexOf(BASE) === 0 && /^[^<>"{}|^`\\\s]*$/.test(term.value)) {
          seen[term.value] = true;
        }
      });
    });
    var iris = Object.keys(seen).slice(0, 500);
    if (!iris.length) { return Promise.resolve({}); }
    var query = "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { " +
      iris.map(function (iri) { return "<" + iri + ">"; }).join(" ") +
      " } ?s <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label> ?l } GROUP BY ?s";
    return post(query, "application/sparql-results+json")
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        var labels = {};
        if (answer) {
          answer.results.bindings.forEach(function (row) { labels[row.s.value] = row.label.value; });
        }
        return labels;
      })
      .catch(function () { return {}; });
  }

  function refuse(code, message) {
    status.textContent = "";
    results.textContent = "";
    var line = document.createElement("p");
    line.className = "error";
    line.textContent = code + ": " + message;
    results.appendChild(line);
    if (HELP[code]) {
      var help = document.createElement("p");
      help.className = "help";
      help.textContent = HELP[code];
      results.appendChild(help);
    }
  }

  function run() {
    status.textContent = "Running…";
    post(text(), "application/sparql-results+json, text/turtle;q=0.5").then(function (response) {
      if (!response.ok) {
        return response.text().then(function (message) { refuse(response.status, message.trim()); return null; });
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") < 0) {
        return response.text().then(function (body) {
          results.textContent = "";
          var pre = document.createElement("pre");
          pre.textContent = body;
          results.appendChild(pre);
          status.textContent = "done";
          return null;
        });
      }
      return response.json().then(function (data) {
        return labelsOf(data).then(function (labels) {
          var count = show(data, labels);
          status.textContent = count + (count === 1 ? " row" : " rows");
        });
      });
    }).catch(function (error) { refuse("error", error.message); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  window.imetQuery = { ready: true, editor: editor, text: text, setText: setText };
})();
