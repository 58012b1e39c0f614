// Type-ahead for every search box (an input with data-search): as a person types, the best
// matches are fetched from /api/search and offered in the box's list; choosing one opens its
// page. No library: the list is a <datalist>, the request a fetch that a newer one cancels.
(function () {
  "use strict";
  var site = document.body.getAttribute("data-site") || "/";
  var boxes = document.querySelectorAll("input[data-search]");
  Array.prototype.forEach.call(boxes, function (box) {
    var list = document.getElementById(box.getAttribute("list"));
    if (!list) {
      list = document.createElement("datalist");
      list.id = box.getAttribute("list") || "search-suggestions";
      box.setAttribute("list", list.id);
      document.body.appendChild(list);
    }
    var pages = {};
    var pending = null;
    var timer = null;
    function suggest() {
      var words = box.value.trim();
      if (pending) { pending.abort(); pending = null; }
      if (words.length < 2 || pages[box.value]) { return; }
      pending = new AbortController();
      fetch(site + "api/search?limit=8&q=" + encodeURIComponent(words), { signal: pending.signal })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (answer) {
          pages = {};
          list.textContent = "";
          answer.results.forEach(function (hit) {
            var option = document.createElement("option");
            var shown = hit.label + (hit.context ? " (" + hit.context + ")" : "");
            option.value = shown;
            option.label = hit.kind;
            pages[shown] = hit.url;
            list.appendChild(option);
          });
        })
        .catch(function () { /* a newer request cancelled this one */ });
    }
    box.addEventListener("input", function () {
      if (pages[box.value]) { window.location.href = pages[box.value]; return; }
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
  });
})();
