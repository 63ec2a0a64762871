// The one confirmation dialog (templates/core/_confirm_dialog.html) for irreversible steps.
// A button with data-pw-confirm="question" (core/_confirm_button.html, or a plain
// data-confirm) opens the native <dialog>; "Confirm" submits the button's own form to its
// own action (the button's formaction is only the no-JavaScript confirmation page).
// Focus: the cancel button when the dialog opens, the triggering button when it closes.
(() => {
  const dialog = () => document.getElementById("pw-confirm");
  let trigger = null;

  const submitFor = (button) => {
    const form = button.form;
    if (!form) return;
    if (button.name) {
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = button.name;
      hidden.value = button.value;
      form.appendChild(hidden);
    }
    form.submit(); // the form's own action, not the fallback formaction
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pw-confirm], [data-confirm]");
    const box = dialog();
    if (!button || !box || typeof box.showModal !== "function") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    trigger = button;
    box.querySelector("#pw-confirm-text").textContent =
      button.dataset.pwConfirm || button.dataset.confirm || "";
    const label = button.dataset.pwConfirmLabel;
    const accept = box.querySelector("#pw-confirm-accept");
    if (!accept.dataset.defaultLabel) accept.dataset.defaultLabel = accept.textContent;
    accept.textContent = label || accept.dataset.defaultLabel;
    box.showModal();
    box.querySelector("[data-pw-confirm-cancel]").focus();
  }, true);

  document.addEventListener("click", (event) => {
    const box = dialog();
    if (!box || !box.open) return;
    if (event.target.closest("[data-pw-confirm-cancel]")) {
      box.close("cancel");
    } else if (event.target.closest("[data-pw-confirm-accept]")) {
      box.close("accept");
      if (trigger) submitFor(trigger);
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    const box = dialog();
    if (!box) return;
    box.addEventListener("close", () => {
      if (box.returnValue !== "accept" && trigger) trigger.focus();
    });
  });
})();
