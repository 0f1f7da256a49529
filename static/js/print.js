// "Print or save as PDF" buttons: hidden until this script can make them work.
for (const button of document.querySelectorAll(".app-print-button")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
