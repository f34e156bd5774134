// The campaign form: the Wallet push text's live count of user-perceived characters
// (grapheme clusters, as the gateway counts them: an emoji or a letter with accents is one).
"use strict";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

document.querySelectorAll("input[data-graphemes]").forEach(function (field) {
  const limit = parseInt(field.dataset.graphemes, 10);
  const count = document.querySelector('[data-grapheme-count="' + CSS.escape(field.id) + '"]');

  function update() {
    const used = Array.from(segmenter.segment(field.value.trim())).length;
    count.textContent = used + " of " + limit + " used" + (used > limit ? ": too long" : "");
    count.classList.toggle("over", used > limit);
  }

  field.addEventListener("input", update);
  update();
});
