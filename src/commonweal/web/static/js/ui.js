// Messages a person can read and a screen reader announces.

export function say(message, kind = "info") {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = "";
  if (!message) return;
  const line = document.createElement("p");
  line.className = `message ${kind}`;
  line.textContent = message;
  status.append(line);
}

// Show an error inside `form` (its [data-errors] element, created if missing) and focus it.
export function formError(form, message) {
  let box = form.querySelector("[data-errors]");
  if (!box) {
    box = document.createElement("p");
    box.dataset.errors = "";
    form.prepend(box);
  }
  box.className = "message error";
  box.setAttribute("role", "alert");
  box.tabIndex = -1;
  box.textContent = message;
  box.hidden = false;
  box.focus();
}

export function clearFormError(form) {
  const box = form.querySelector("[data-errors]");
  if (box) {
    box.textContent = "";
    box.hidden = true;
  }
}

// Carry a message over a reload or a redirect.
export function sayAfterReload(message) {
  sessionStorage.setItem("commonweal-message", message);
}

export function showCarriedMessage() {
  const message = sessionStorage.getItem("commonweal-message");
  if (message) {
    sessionStorage.removeItem("commonweal-message");
    say(message, "success");
  }
}

export function download(filename, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
