/* Small behaviours of every page, bound by data attributes: the Content-Security-Policy allows no inline script
   (no onclick=, no <script> bodies), so pages mark elements and this file gives them their behaviour. */
(function () {
  "use strict";

  // <form data-confirm="Tiếp tục?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // <button data-copy="#feed-url" data-copied="Đã chép">: copy the named field's value.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.dataset.copy);
    if (field && navigator.clipboard) {
      navigator.clipboard.writeText(field.value);
      if (button.dataset.copied) button.textContent = button.dataset.copied;
    }
  });

  // <input data-select-on-focus>: the whole value is selected, ready to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });

  // <form data-answer-form> with boxes <div data-when="value">: show only the box of the checked answer
  // (all are shown without script).
  function syncAnswers(form) {
    var checked = form.querySelector("input[type=radio]:checked");
    var value = checked ? checked.value : "";
    form.querySelectorAll("[data-when]").forEach(function (box) {
      box.hidden = box.dataset.when !== value;
    });
  }
  function bindAnswers(root) {
    root.querySelectorAll("[data-answer-form]").forEach(function (form) {
      if (form.dataset.answerBound) return;
      form.dataset.answerBound = "1";
      form.addEventListener("change", function () { syncAnswers(form); });
      syncAnswers(form);
    });
  }
  bindAnswers(document);
  document.body.addEventListener("htmx:load", function (event) { bindAnswers(event.target); });

  // A table wider than the screen scrolls in its .table-responsive box: the box takes the keyboard focus then
  // (arrow keys scroll it), and only then, so a table that fits adds no tab stop.
  function focusableScrollers() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
      else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);

  // A tab strip scrolled sideways on a phone (.idesk-tabs): the current tab in view, with a part of its neighbours.
  function centreCurrentTab(strip) {
    var current = strip.querySelector("[aria-current=page], .active");
    if (!current || strip.scrollWidth <= strip.clientWidth) return;
    var item = (current.closest("li") || current).getBoundingClientRect();
    var box = strip.getBoundingClientRect();
    strip.scrollLeft += item.left - box.left - (strip.clientWidth - item.width) / 2;
  }
  document.querySelectorAll(".idesk-tabs").forEach(centreCurrentTab);
  // The tabs' counts arrive after the page (with the navigation's badges) and widen the tabs: centre it again.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt && event.detail.elt.hasAttribute("data-nav-counts")) {
      document.querySelectorAll(".idesk-tabs").forEach(centreCurrentTab);
    }
  });
  // ... and the tab the keyboard reaches shown whole (the browser scrolls only a tab entirely out of view).
  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest(".idesk-tabs a");
    if (link) link.scrollIntoView({block: "nearest", inline: "nearest"});
  });
  document.body.addEventListener("htmx:load", focusableScrollers);
})();
