// On a narrow screen (below GOV.UK's tablet breakpoint) the filter panel starts folded,
// so the list comes first; its summary opens it. A panel with an error stays open.
const narrow = window.matchMedia("(max-width: 40.0525em)");
for (const panel of document.querySelectorAll("[data-app-filters]")) {
  if (narrow.matches && !panel.hasAttribute("data-app-keep-open")) {
    panel.open = false;
  }
}
// Widened past the breakpoint, a folded panel opens again (its summary is hidden there).
narrow.addEventListener("change", (event) => {
  if (!event.matches) {
    for (const panel of document.querySelectorAll("[data-app-filters]")) panel.open = true;
  }
});
