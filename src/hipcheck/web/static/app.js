// After htmx swaps in a new page (boosted link or form), move focus to its heading so screen
// readers announce the new page and keyboard users continue from the top of the content.
document.addEventListener("htmx:afterSettle", function (event) {
  if (!event.detail || !event.detail.boosted) return;
  var heading = document.querySelector("[role=alertdialog] h1, main h1");
  if (!heading) return;
  heading.setAttribute("tabindex", "-1");
  heading.focus();
});
