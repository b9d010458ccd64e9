// dossier serve: reload the page when the project changes, back at the place being read.
// Injected by the preview server only; never part of a built file.
(function () {
  "use strict";
  var key = "dossier-serve-place";
  var box = document.getElementById("dossier-serve");
  var saved = sessionStorage.getItem(key);
  if (saved) {
    sessionStorage.removeItem(key);
    try {
      var place = JSON.parse(saved);
      var anchor = place.id ? document.getElementById(place.id) : null;
      var top = anchor ? anchor.getBoundingClientRect().top + window.scrollY - place.offset : place.y;
      window.scrollTo(0, top);
    } catch (e) { /* a damaged entry: stay at the top */ }
  }
  function reading() {
    var nodes = document.querySelectorAll("main [id], footer [id]");
    for (var i = 0; i < nodes.length; i++) {
      var top = nodes[i].getBoundingClientRect().top;
      if (top >= 0) return { id: nodes[i].id, offset: top, y: window.scrollY };
    }
    return { id: "", offset: 0, y: window.scrollY };
  }
  var events = new EventSource(box.getAttribute("data-events") + "?since=" + box.getAttribute("data-generation"));
  events.addEventListener("reload", function () {
    events.close();
    sessionStorage.setItem(key, JSON.stringify(reading()));
    window.location.reload();
  });
})();
