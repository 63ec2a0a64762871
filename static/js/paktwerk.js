// Small progressive enhancements; everything works without JavaScript.
// Confirmations (data-confirm, data-pw-confirm): static/js/confirm.js opens the dialog.
// htmx: send the CSRF token with every request.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.value;
  }
});
