// Behaviour without inline scripts (the CSP forbids them): board cells open their history in
// the side panel, group rows fold their subsidiaries, Escape closes the panel.
(function () {
  "use strict";

  function openCell(td) {
    var table = td.closest("table");
    var asOf = table ? table.getAttribute("data-as-of") || "" : "";
    var url = "/board/cell?enterprise_id=" + encodeURIComponent(td.dataset.e) +
      "&obligation_id=" + encodeURIComponent(td.dataset.o) + "&as_of=" + encodeURIComponent(asOf);
    document.querySelectorAll("td.selected").forEach(function (el) { el.classList.remove("selected"); });
    td.classList.add("selected");
    htmx.ajax("GET", url, { target: "#side-panel", swap: "innerHTML" });
  }

  function toggleGroup(button) {
    var groupId = button.dataset.toggleGroup;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "▾" : "▸";
    document.querySelectorAll('tr.sub[data-group="' + groupId + '"]').forEach(function (row) {
      row.classList.toggle("sub-hidden", !open);
    });
  }

  function closePanel() {
    var panel = document.getElementById("side-panel");
    if (panel) { panel.innerHTML = ""; }
    document.querySelectorAll("td.selected").forEach(function (el) { el.classList.remove("selected"); });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var toggle = target.closest("[data-toggle-group]");
    if (toggle) { toggleGroup(toggle); return; }
    if (target.closest("[data-close-panel]")) { closePanel(); return; }
    var cell = target.closest("td[data-e][data-o]");
    if (cell) { openCell(cell); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closePanel(); return; }
    var cell = event.target instanceof Element && event.target.closest("td[data-e][data-o]");
    if (cell && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); openCell(cell); }
  });

  // A panel opened for another date or filter would contradict the board: close it on a swap.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "board") { closePanel(); }
  });
})();

// Destructive actions ask first: a plain form with data-confirm submits only after "OK".
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Phones: the top bar's 菜单 button shows and hides the user links and the side menu.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-menu-toggle]") : null;
  if (!target) { return; }
  var open = !document.body.classList.contains("menu-open");
  document.body.classList.toggle("menu-open", open);
  target.setAttribute("aria-expanded", open ? "true" : "false");
});

// The board's status filter says how many enterprises owe an item in each state; a board swapped
// in for another date or filter brings its counts in the legend, so the choices follow them.
document.body.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail && event.detail.target;
  if (!target || target.id !== "board") { return; }
  target.querySelectorAll(".legend-item[data-status]").forEach(function (item) {
    var option = document.querySelector('select[name=status] option[value="' + item.dataset.status + '"]');
    if (option && option.dataset.label) {
      option.textContent = option.dataset.label + "（" + item.dataset.owing + " 户）";
    }
  });
});
