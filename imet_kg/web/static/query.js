// The SPARQL query page: load an example, post the query to the endpoint, show the rows.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var form = document.getElementById("query-form");
  var box = document.getElementById("query");
  var status = document.getElementById("status");
  var results = document.getElementById("results");

  document.getElementById("examples").addEventListener("change", function (event) {
    var chosen = examples[event.target.value];
    if (chosen) { box.value = chosen; }
  });

  function cell(binding) {
    var td = document.createElement("td");
    if (!binding) { return td; }
    if (binding.type === "uri") {
      var link = document.createElement("a");
      var local = binding.value.indexOf("https://w3id.org/imet-kg/") === 0
        ? document.body.dataset.site + binding.value.slice("https://w3id.org/imet-kg/".length)
        : binding.value;
      link.href = local;
      link.textContent = binding.value;
      td.appendChild(link);
    } else {
      td.textContent = binding.value;
    }
    return td;
  }

  function show(data) {
    results.textContent = "";
    if (typeof data.boolean === "boolean") {
      results.textContent = data.boolean ? "true" : "false";
      return 1;
    }
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    data.head.vars.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.results.bindings.forEach(function (row) {
      var tr = body.insertRow();
      data.head.vars.forEach(function (name) { tr.appendChild(cell(row[name])); });
    });
    results.appendChild(table);
    return data.results.bindings.length;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = "Running…";
    fetch(document.body.dataset.site + "sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.5" },
      body: new URLSearchParams({ query: box.value })
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw new Error(response.status + ": " + text); });
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") < 0) {
        return response.text().then(function (text) {
          results.textContent = "";
          var pre = document.createElement("pre");
          pre.textContent = text;
          results.appendChild(pre);
          return null;
        });
      }
      return response.json();
    }).then(function (data) {
      if (data) { status.textContent = show(data) + " rows"; } else { status.textContent = "done"; }
    }).catch(function (error) {
      status.textContent = "";
      results.textContent = "";
      var message = document.createElement("p");
      message.className = "error";
      message.textContent = error.message;
      results.appendChild(message);
    });
  });
  window.imetQuery = { ready: true };
})();
