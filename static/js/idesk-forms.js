/* Form helpers bound by data attributes (the CSP allows no inline script). Each one enhances markup that works
   without script: the native file input, a typed dd/mm/yyyy date, a list of checkboxes, a plain submit button. */
(function () {
  "use strict";

  function each(root, selector, bind) {
    root.querySelectorAll(selector).forEach(function (el) {
      var key = "bound" + selector.replace(/[^a-z]/gi, "");
      if (el.dataset[key]) return;
      el.dataset[key] = "1";
      bind(el);
    });
  }

  // <div data-file-picker>: the Vietnamese button and the chosen names replace the browser's own wording.
  function bindFile(box) {
    var input = box.querySelector("input[type=file]");
    var face = box.querySelector(".idesk-file-face");
    var names = box.querySelector(".idesk-file-names");
    if (!input || !face) return;
    box.classList.add("idesk-file-enhanced");
    face.hidden = false;
    input.addEventListener("change", function () {
      var chosen = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      names.textContent = chosen.length ? chosen.join(", ") : names.dataset.empty;
    });
  }

  // A dd/mm/yyyy text field gets a calendar button: it opens the browser's date picker on a companion
  // <input type=date> and writes the chosen day back as dd/mm/yyyy. Typing still works as before.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toIso(text) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
    return m ? m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]) : "";
  }
  function bindDate(input) {
    if (input.disabled || input.readOnly) return;
    var group = document.createElement("div");
    group.className = "input-group idesk-date";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    // One name for every such button (the field beside it gives the context): a name repeating the field's label
    // would make the label ambiguous to assistive technology searching by it.
    button.setAttribute("aria-label", input.dataset.datepickerLabel || "Chọn ngày trên lịch");
    button.innerHTML = '<i class="bi bi-calendar3" aria-hidden="true"></i>';
    var native = document.createElement("input");
    native.type = "date";
    native.className = "idesk-date-native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    group.appendChild(button);
    group.appendChild(native);
    button.addEventListener("click", function () {
      native.value = toIso(input.value);
      try { native.showPicker(); } catch (e) { native.focus(); native.click(); }
    });
    native.addEventListener("change", function () {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(native.value);
      if (!m) return;
      input.value = m[3] + "/" + m[2] + "/" + m[1];
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  }

  // <button data-label-approve="…" data-label-return="…">: the button names what the checked decision does.
  function bindDecision(button) {
    var form = button.form || button.closest("form");
    if (!form) return;
    function sync() {
      var checked = form.querySelector("input[name=decision]:checked");
      var text = checked && button.dataset["label" + checked.value.charAt(0).toUpperCase() + checked.value.slice(1)];
      if (text) button.textContent = text;
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "decision") sync();
    });
    sync();
  }

  // <div data-picker>: a filter box over a list of checkboxes (accent-insensitive), and group buttons that tick
  // every box of their group. Without script the checkboxes are all there, ticked one by one.
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function bindPicker(box) {
    var filter = box.querySelector("[data-picker-filter]");
    var items = box.querySelectorAll("[data-picker-item]");
    var count = box.querySelector("[data-picker-count]");
    function groupBoxes(button) {
      return box.querySelectorAll('[data-picker-item][data-group~="' + button.dataset.pickerGroup + '"] input');
    }
    function recount() {
      box.querySelectorAll("[data-picker-group]").forEach(function (button) {  // pressed: the whole group is ticked
        button.setAttribute("aria-pressed", String(Array.prototype.every.call(groupBoxes(button), function (b) { return b.checked; })));
      });
      if (!count) return;
      var n = box.querySelectorAll("[data-picker-item] input:checked").length;
      count.textContent = count.dataset.template.replace("%s", n);
    }
    if (filter) {
      filter.hidden = false;
      filter.addEventListener("input", function () {
        var words = fold(filter.value).split(/\s+/).filter(Boolean);
        items.forEach(function (item) {
          var text = fold(item.textContent + " " + (item.dataset.groupLabel || ""));  // "noi vu" finds its people
          item.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
        });
        box.querySelectorAll("[data-heading]").forEach(function (heading) {
          heading.hidden = !box.querySelector('[data-picker-item][data-group="' + heading.dataset.heading + '"]:not([hidden])');
        });
      });
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();  // Enter filters; it does not submit the form
      });
    }
    box.querySelectorAll("[data-picker-group]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var boxes = groupBoxes(button);
        var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
        boxes.forEach(function (b) { b.checked = !all; });
        recount();
      });
    });
    box.addEventListener("change", recount);
    recount();
  }

  function bindAll(root) {
    each(root, "[data-file-picker]", bindFile);
    each(root, "input[data-datepicker], input[placeholder='dd/mm/yyyy']", bindDate);
    each(root, "button[data-label-approve]", bindDecision);
    each(root, "[data-picker]", bindPicker);
  }
  bindAll(document);
  document.body.addEventListener("htmx:load", function (event) { bindAll(event.target); });
})();
