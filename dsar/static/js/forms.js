// After a form comes back with errors, move the focus to its error summary so keyboard and
// screen-reader users learn what went wrong (WCAG 3.3.1); a static file, as the CSP forbids
// inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
