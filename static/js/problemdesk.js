// Small behaviours that plain HTML cannot express. Everything works without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // A form loaded into the action panel: move the keyboard focus into it.
  const panel = event.detail.target;
  if (panel && panel.id === "action-panel") {
    const first = panel.querySelector("input:not([type=hidden]), select, textarea, button");
    if (first) first.focus();
    panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }
});

// The alarm list: the header checkbox selects (or unselects) every alarm on the page.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  const table = all.closest("table");
  table.querySelectorAll("tbody input[name=selected]").forEach((box) => {
    box.checked = all.checked;
  });
});
