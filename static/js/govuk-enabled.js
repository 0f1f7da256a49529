// Tells GOV.UK Frontend's CSS that JavaScript runs (loaded at the top of <body>, before
// anything is drawn, so nothing jumps). A file, not inline: the Content-Security-Policy
// allows no inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
