// The locations map: add and remove rows without a reload (without JavaScript, an emptied
// row is removed on save and one empty row is always offered).
"use strict";

function renumber(table) {
  table.querySelectorAll("tbody tr").forEach(function (row, index) {
    row.querySelectorAll("input").forEach(function (input) {
      var name = input.name + "-" + index;
      var label = row.querySelector('label[for="' + input.id + '"]');
      if (label) {
        label.htmlFor = name;
        label.textContent = label.textContent.replace(/row \d+$/, "row " + (index + 1));
      }
      input.id = name;
    });
  });
}

function removeRow(table, row) {
  if (table.querySelectorAll("tbody tr").length > 1) {
    row.remove();
  } else {
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
  }
  renumber(table);
  var first = table.querySelector("tbody input");
  if (first) { first.focus(); }
}

function addRow(table) {
  var rows = table.querySelectorAll("tbody tr");
  var row = rows[rows.length - 1].cloneNode(true);
  row.querySelectorAll("input").forEach(function (input) {
    input.value = "";
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  });
  row.querySelectorAll(".field-error").forEach(function (error) { error.remove(); });
  row.querySelectorAll(".invalid").forEach(function (cell) { cell.classList.remove("invalid"); });
  table.querySelector("tbody").appendChild(row);
  renumber(table);
  row.querySelector("input").focus();
}

document.querySelectorAll("table[data-map]").forEach(function (table) {
  var form = table.closest("form");
  var add = form.querySelector(".add-row");
  add.hidden = false;
  add.addEventListener("click", function () { addRow(table); });
  table.querySelectorAll(".remove-row").forEach(function (button) { button.hidden = false; });
  table.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-row");
    if (button) { removeRow(table, button.closest("tr")); }
  });
});
