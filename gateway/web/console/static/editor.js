// Reward editors (programs, goodwill vouchers): sections follow their select, rows are added
// and removed, and a lottery's total probability is shown live; Save waits until every lottery
// adds up to 100%.
"use strict";

document.querySelectorAll("form[data-editor]").forEach(function (form) {
  const saves = form.querySelectorAll("[data-save]");

  function selectNamed(name) {
    return form.querySelector('select[name="' + CSS.escape(name) + '"]');
  }

  function shown(element) {
    for (let node = element; node && node !== form; node = node.parentElement) {
      if (node.hidden) return false;
    }
    return true;
  }

  function applySwitches() {
    // Outer sections first: a hidden section hides what it holds, whatever its own select says.
    form.querySelectorAll("[data-when]").forEach(function (section) {
      const select = selectNamed(section.dataset.when);
      const wanted = section.dataset.is.split(" ");
      section.hidden = !select || !wanted.includes(select.value);
    });
    form.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.type === "hidden" || field.closest("template")) return;
      field.disabled = !shown(field);
    });
    updateTotals();
  }

  function updateTotals() {
    let allAddUp = true;
    form.querySelectorAll("[data-lottery]").forEach(function (lottery) {
      let cents = 0;
      lottery.querySelectorAll("[data-probability]").forEach(function (input) {
        if (!input.disabled) {
          const value = parseFloat(input.value.replace(",", "."));
          if (!Number.isNaN(value)) cents += Math.round(value * 100);
        }
      });
      const total = lottery.querySelector("[data-total]");
      total.textContent = (cents / 100).toFixed(2).replace(/\.00$/, "");
      if (shown(lottery) && cents !== 10000) allAddUp = false;
    });
    saves.forEach(function (button) { button.disabled = !allAddUp; });
  }

  function nextIndex(list) {
    let highest = -1;
    list.querySelectorAll("[name]").forEach(function (field) {
      const found = field.name.match(/-(\d+)-[^-]+$/);
      if (found) highest = Math.max(highest, parseInt(found[1], 10));
    });
    return highest + 1;
  }

  // A row's fields get their index; rows inside it (a milestone's lottery variants) keep their
  // own placeholder in their template, with the outer index written in.
  function rename(root, placeholder, index) {
    root.querySelectorAll("[name], [id], [for], [data-when], [data-rows]").forEach(function (node) {
      ["name", "id", "for", "data-when", "data-rows"].forEach(function (attribute) {
        const value = node.getAttribute(attribute);
        if (value) node.setAttribute(attribute, value.replaceAll(placeholder, index));
      });
    });
    root.querySelectorAll("template").forEach(function (inner) {
      rename(inner.content, placeholder, index);
    });
  }

  form.addEventListener("click", function (event) {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      const rows = add.closest("[data-rows]");
      const list = rows.querySelector(":scope > [data-row-list]");
      const template = rows.querySelector(":scope > template[data-row-template]");
      const row = template.content.cloneNode(true);
      rename(row, template.dataset.placeholder || "__i__", String(nextIndex(list)));
      list.appendChild(row);
      applySwitches();
      const first = list.lastElementChild.querySelector("select, input");
      if (first) first.focus();
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      remove.closest("[data-row]").remove();
      applySwitches();
    }
  });
  form.addEventListener("change", applySwitches);
  form.addEventListener("input", updateTotals);
  applySwitches();
});
