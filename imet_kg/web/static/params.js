// Type-ahead for a saved query's entity fields (an input with data-lookup): as a person types,
// the best matches of the field's kind (data-kind: country, act, ...) are fetched from
// /api/search and offered in the field's list. An entity field takes the name chosen; an IRI
// field takes the IRI. No library: the list is a <datalist>, the request a fetch that a newer
// one cancels.
(function () {
  "use strict";
  var site = document.body.getAttribute("data-site") || "/";
  var fields = document.querySelectorAll("input[data-lookup]");
  Array.prototype.forEach.call(fields, function (field) {
    var list = document.createElement("datalist");
    list.id = field.getAttribute("list");
    document.body.appendChild(list);
    var kind = field.getAttribute("data-kind");
    var takesIri = field.getAttribute("data-lookup") === "iri";
    var pending = null;
    var timer = null;
    function suggest() {
      var words = field.value.trim();
      if (pending) { pending.abort(); pending = null; }
      if (words.length < 2 || words.indexOf("://") > 0) { return; }
      pending = new AbortController();
      var url = site + "api/search?limit=8&q=" + encodeURIComponent(words) +
        (kind ? "&type=" + encodeURIComponent(kind) : "");
      fetch(url, { signal: pending.signal })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (answer) {
          list.textContent = "";
          answer.results.forEach(function (hit) {
            var option = document.createElement("option");
            option.value = takesIri ? hit.iri : hit.label;
            option.label = hit.label + (hit.context ? " (" + hit.context + ")" : "") + " · " + hit.kind;
            list.appendChild(option);
          });
        })
        .catch(function () { /* a newer request cancelled this one */ });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
  });
})();
