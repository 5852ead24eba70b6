// Progressive enhancement only: every page works without script.
(function () {
  // Don't submit an empty search.
  document.querySelectorAll("form.search-box").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var input = form.querySelector("input[name=q]");
      if (input && !input.value.trim()) { e.preventDefault(); input.focus(); }
    });
  });
})();
