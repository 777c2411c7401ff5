// app.js: the dashboard's small behaviours, wired by data attributes.
//
// Rules this file keeps so the strict Content-Security-Policy holds (no
// 'unsafe-inline', no 'unsafe-eval'): no eval or Function(), no inline event
// handlers, no element.style writes (only classes and the `hidden`,
// `disabled` and aria-* attributes change).
//
// Events are handled by delegation on `document`, so content swapped in by
// htmx needs no re-binding. Only state that must be right before any event
// (initial disabled buttons, toast timers) is set up by init(), which runs on
// DOMContentLoaded and again for every element htmx loads (`htmx:load`).
(function () {
  "use strict";

  // CSS shows what only works with this file (a list row's remove button)
  // under html.js.
  document.documentElement.classList.add("js");

  var TOAST_MS = 6000; // how long a toast stays up
  var COPIED_MS = 1500; // how long a copy button says "Copied"

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) fn(root);
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  // The button(s) that submit a form, including ones outside it (form="id").
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "BUTTON" && (el.type || "submit") === "submit") ||
        (el.tagName === "INPUT" && (el.type === "submit" || el.type === "image"));
    });
  }

  // ---- A form's answer is a GET in the history ---------------------------------
  // A refused form is answered with its page again (422), at the POST's
  // address, and the history entry was that POST: Back from the next page,
  // or Reload, asked "Confirm Form Resubmission". The server names the
  // form page's GET address in <meta name="page-url">; putting it in place
  // of the POST's makes the entry a GET, loaded again without sending
  // anything (e2e/history_test.go checks it in Chromium). The meta is in
  // <head>, before this script, so it is there however the script loads.
  (function answerAsGet() {
    var meta = document.querySelector('meta[name="page-url"]');
    if (meta && meta.content && window.history && history.replaceState) {
      history.replaceState(null, "", meta.content);
    }
  })();

  // ---- CSRF: every htmx request carries the token from <meta name="csrf-token">.
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) e.detail.headers["X-CSRF-Token"] = meta.content;
  });

  // ---- Buttons that name their URL once ---------------------------------------
  // <button formaction="/x/pause" hx-post>: htmx posts where a plain submit of
  // the button would (htmx itself only reads formaction when a whole form is
  // the htmx element), so a table row need not repeat each URL.
  document.addEventListener("htmx:configRequest", function (e) {
    var elt = e.detail.elt;
    if (elt.tagName === "BUTTON" && elt.getAttribute("hx-post") === "" && elt.hasAttribute("formaction")) {
      e.detail.path = elt.getAttribute("formaction");
    }
  });

  // ---- Copy buttons ---------------------------------------------------------
  // <button data-copy="text">  or  <button data-copy data-copy-target="#id">
  // With a target: its data-value if present, else .value for form fields,
  // else its textContent.
  function copySource(btn) {
    var sel = btn.getAttribute("data-copy-target");
    if (!sel) return btn.getAttribute("data-copy") || "";
    var el = document.querySelector(sel);
    if (!el) return "";
    if (el.hasAttribute("data-value")) return el.getAttribute("data-value");
    if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") return el.value;
    return el.textContent.trim();
  }

  // Fallback for non-secure contexts (e.g. http://192.168.x.y), where
  // navigator.clipboard is missing: execCommand("copy") fires a copy event
  // whose clipboardData we fill. Needs no selection and no helper element,
  // so nothing has to be positioned off-screen with inline styles.
  function legacyCopy(text) {
    var done = false;
    function onCopy(e) {
      e.clipboardData.setData("text/plain", text);
      e.preventDefault();
      done = true;
    }
    document.addEventListener("copy", onCopy);
    try {
      document.execCommand("copy");
    } catch (err) {
      done = false;
    }
    document.removeEventListener("copy", onCopy);
    return done;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        if (!legacyCopy(text)) throw new Error("copy failed");
      });
    }
    return legacyCopy(text) ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  // say speaks text through the page's polite live region (#announce): what
  // changed without focus moving, such as a copy done or a list filtered.
  function say(text) {
    var live = document.getElementById("announce");
    if (!live) return;
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50); // a change, even to the same words
  }

  var copyState = new WeakMap(); // button -> {title, label, timer}

  function flashCopied(btn, ok) {
    var st = copyState.get(btn);
    if (st) {
      clearTimeout(st.timer);
    } else {
      st = { title: btn.getAttribute("title"), label: btn.getAttribute("aria-label") };
      copyState.set(btn, st);
    }
    var msg = ok ? "Copied" : "Copy failed";
    btn.classList.add(ok ? "copied" : "copy-failed");
    btn.setAttribute("title", msg);
    btn.setAttribute("aria-label", msg);
    say(msg); // a focused button's new name is often not read out
    st.timer = setTimeout(function () {
      btn.classList.remove("copied", "copy-failed");
      if (st.title === null) btn.removeAttribute("title"); else btn.setAttribute("title", st.title);
      if (st.label === null) btn.removeAttribute("aria-label"); else btn.setAttribute("aria-label", st.label);
      copyState.delete(btn);
    }, COPIED_MS);
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-copy]");
    if (!btn) return;
    e.preventDefault();
    copyText(copySource(btn)).then(
      function () { flashCopied(btn, true); },
      function () { flashCopied(btn, false); }
    );
  });

  // ---- Reveal secrets -------------------------------------------------------
  // <button data-reveal="#id" aria-pressed="false">; the target is a stored
  // secret, with data-masked="••••" and data-value="secret", or a password
  // input being typed into. The button's aria-pressed says which is shown,
  // so CSS can swap eye / eye-off icons on it.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-reveal]");
    if (!btn) return;
    var el = document.querySelector(btn.getAttribute("data-reveal"));
    if (!el) return;
    var show = btn.getAttribute("aria-pressed") !== "true";
    if (el.tagName === "INPUT") {
      el.type = show ? "text" : "password";
    } else if (el.hasAttribute("data-value")) {
      el.textContent = el.getAttribute(show ? "data-value" : "data-masked") || "";
    } else {
      return;
    }
    e.preventDefault();
    btn.setAttribute("aria-pressed", show ? "true" : "false");
  });

  // ---- List editors ---------------------------------------------------------
  // <div data-list-editor data-list-max="10">
  //   [<div data-list-rows>] <div data-list-row> … <button data-list-remove> </div> … [</div>]
  //   <template data-list-template><div data-list-row>…</div></template>
  //   <button type="button" data-list-add>Add</button>
  // </div>
  function listRows(editor) {
    return Array.prototype.filter.call(editor.querySelectorAll("[data-list-row]"), function (row) {
      return row.closest("[data-list-editor]") === editor; // skip nested editors' rows
    });
  }

  function ownedBy(editor, selector) {
    return Array.prototype.filter.call(editor.querySelectorAll(selector), function (el) {
      return el.closest("[data-list-editor]") === editor;
    });
  }

  // Rows are named by their place ("Allowed origin 2", "Remove allowed
  // origin 2"), as the server names them, renumbered as rows come and go.
  function syncListEditor(editor) {
    var max = parseInt(editor.getAttribute("data-list-max"), 10);
    var full = max > 0 && listRows(editor).length >= max;
    ownedBy(editor, "[data-list-add]").forEach(function (b) { b.disabled = full; });
    var label = editor.getAttribute("data-list-label");
    if (!label) return;
    listRows(editor).forEach(function (row, i) {
      var name = label + " " + (i + 1);
      var field = row.querySelector("input, textarea");
      var rm = row.querySelector("[data-list-remove]");
      if (field) field.setAttribute("aria-label", name);
      if (rm) rm.setAttribute("aria-label", "Remove " + name.toLowerCase());
    });
  }

  // addListRow appends a row to editor and returns its field, or null when
  // the list is full (or has no template).
  function addListRow(editor) {
    var tpl = ownedBy(editor, "template[data-list-template]")[0];
    var max = parseInt(editor.getAttribute("data-list-max"), 10);
    if (!tpl || (max > 0 && listRows(editor).length >= max)) return null;
    var frag = tpl.content.cloneNode(true);
    var row = frag.querySelector("[data-list-row]") || frag.firstElementChild;
    var rows = listRows(editor);
    var box = ownedBy(editor, "[data-list-rows]")[0];
    if (box) box.appendChild(frag);
    else if (rows.length) rows[rows.length - 1].after(frag);
    else tpl.before(frag);
    syncListEditor(editor);
    if (!row) return null;
    if (window.htmx) window.htmx.process(row); // in case the row uses hx-*
    return row.querySelector("input, select, textarea");
  }

  document.addEventListener("click", function (e) {
    var add = e.target.closest("[data-list-add]");
    if (add) {
      var editor = add.closest("[data-list-editor]");
      if (!editor) return;
      e.preventDefault();
      var field = addListRow(editor);
      if (field) field.focus();
      return;
    }
    var rm = e.target.closest("[data-list-remove]");
    if (rm) {
      var row2 = rm.closest("[data-list-row]");
      var editor2 = rm.closest("[data-list-editor]");
      if (!row2) return;
      e.preventDefault();
      row2.remove();
      if (editor2) {
        syncListEditor(editor2);
        // Keep keyboard focus somewhere sensible instead of <body>.
        var next = ownedBy(editor2, "[data-list-add]")[0];
        if (next && !next.disabled) next.focus();
      }
    }
  });

  // ---- A list pasted into a list editor -----------------------------------------
  // <fieldset data-list-editor data-list-split>: text pasted whole into an
  // empty row ("a.example.com, b.example.com", or one per line from a
  // config file) fills that row with its first item and new rows with the
  // others, as many as the list takes; what does not fit stays in the last
  // row, for the server to say so.
  document.addEventListener("paste", function (e) {
    var field = e.target;
    var editor = field && field.closest && field.closest("[data-list-split]");
    if (!editor || field.tagName !== "INPUT") return;
    var whole = field.selectionStart === 0 && field.selectionEnd === field.value.length;
    if (field.value.trim() !== "" && !whole) return;
    var items = (e.clipboardData ? e.clipboardData.getData("text") : "").split(/[\s,;]+/).filter(Boolean);
    if (items.length < 2) return;
    e.preventDefault();
    field.value = items.shift();
    var last = field;
    while (items.length) {
      var next = addListRow(editor);
      if (!next) {
        last.value += ", " + items.join(", ");
        break;
      }
      next.value = items.shift();
      last = next;
    }
    last.focus();
  });

  // ---- Choices that mean others -----------------------------------------------
  // <fieldset data-multichoice> of checkboxes: a choice "x" means every
  // "x:…" choice (System's "message" is message:customer, message:agent and
  // message:bot), as the server reads the list. While "x" is ticked, its
  // choices show ticked and are disabled (so not sent: the server would
  // drop them anyway); unticking "x" enables them again, still ticked —
  // the same events, now picked one by one, to untick the ones not wanted.
  // Without this file the server does the same on save.
  function coveredBoxes(group, box) {
    return Array.prototype.filter.call(group.querySelectorAll("input[type=checkbox]"), function (b) {
      return b !== box && b.value.indexOf(box.value + ":") === 0;
    });
  }

  function syncMultichoice(group) {
    var boxes = group.querySelectorAll("input[type=checkbox]");
    var covered = new Set();
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.checked && !box.disabled) coveredBoxes(group, box).forEach(function (b) { covered.add(b); });
    });
    Array.prototype.forEach.call(boxes, function (b) {
      if (covered.has(b)) {
        b.checked = true;
        b.disabled = true;
        b.setAttribute("data-covered", "");
      } else if (b.hasAttribute("data-covered")) {
        b.disabled = false; // disabled here only, so enabled here again
        b.removeAttribute("data-covered");
      }
    });
  }

  document.addEventListener("change", function (e) {
    var el = e.target;
    var group = el.closest && el.type === "checkbox" && el.closest("[data-multichoice]");
    if (group) syncMultichoice(group);
  });

  // ---- Confirmations ----------------------------------------------------------
  // <form data-confirm="Delete “Support SMS”?">: capture phase, so a cancel
  // also stops htmx's own submit listener on the form. A ticked box of the
  // form with data-confirm-checked asks its own question, once.
  var lastSubmitter = new WeakMap(); // form -> the button that submitted it

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.submitter) lastSubmitter.set(form, e.submitter);
    var msg = form.getAttribute("data-confirm");
    var box = form.querySelector("input[data-confirm-checked]:checked");
    if (!msg && box && !form.querySelector("input[name='confirmed']")) msg = box.getAttribute("data-confirm-checked");
    if (!msg) return;
    if (!window.confirm(msg)) {
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    // Said yes here: the server need not ask again on a page of its own
    // (which is what a browser without JavaScript gets).
    if (!form.querySelector("input[name='confirmed']")) {
      var yes = document.createElement("input");
      yes.type = "hidden";
      yes.name = "confirmed";
      yes.value = "1";
      form.appendChild(yes);
    }
  }, true);

  // ---- Busy buttons -----------------------------------------------------------
  // Buttons disabled here get data-busy-disabled so that only they are
  // re-enabled (a button disabled for another reason stays disabled).
  function setBusy(buttons, busyOne) {
    buttons.forEach(function (b) {
      if (!b.disabled) {
        b.disabled = true;
        b.setAttribute("data-busy-disabled", "");
      }
    });
    if (busyOne) busyOne.setAttribute("aria-busy", "true");
  }

  function clearBusy(root) {
    each(root, "[aria-busy]", function (b) { b.removeAttribute("aria-busy"); });
    each(root, "[data-busy-disabled]", function (b) {
      b.disabled = false;
      b.removeAttribute("data-busy-disabled");
    });
  }

  function busyTargets(elt) {
    if (!elt || !elt.tagName) return null;
    if (elt.tagName === "BUTTON") return { buttons: [elt], main: elt, form: elt.form };
    if (elt.tagName === "FORM") {
      var buttons = submitButtons(elt);
      var main = lastSubmitter.get(elt) || buttons[0] || null;
      return { buttons: buttons, main: main, form: elt };
    }
    return null; // e.g. a search input: never disable what the user types in
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    var t = busyTargets(e.detail.elt);
    if (t) setBusy(t.buttons, t.main);
  });

  function afterRequest(e) {
    var t = busyTargets(e.detail.elt);
    if (!t) return;
    t.buttons.forEach(function (b) {
      b.removeAttribute("aria-busy");
      if (b.hasAttribute("data-busy-disabled")) {
        b.disabled = false;
        b.removeAttribute("data-busy-disabled");
      }
    });
  }
  document.addEventListener("htmx:afterRequest", afterRequest);
  // afterRequest also fires on network errors, but these are cheap insurance.
  document.addEventListener("htmx:sendError", afterRequest);
  document.addEventListener("htmx:timeout", afterRequest);
  document.addEventListener("htmx:sendAbort", afterRequest);

  // Plain (non-htmx) forms with data-busy: disable after a 0 ms timeout, so
  // the clicked button's name=value is still part of the submission.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form.hasAttribute("data-busy")) return;
    var buttons = submitButtons(form);
    var main = e.submitter || buttons[0] || null;
    // Enter submits with a form's hidden default button: show the busy
    // state on the visible one it stands for.
    if (main && main.hasAttribute("data-default-submit")) {
      main = form.querySelector(".form-actions button[type=submit]") || main;
    }
    setTimeout(function () { setBusy(buttons, main); }, 0);
  });

  // ---- A filter form's address carries only the filters set -------------------
  // A plain GET form sends its empty fields too (/activity?actor=&action=user
  // &from=&to=&objectId=): they are left out, so the address reads as the
  // filters in force. The browser reads the form once this event is over;
  // the fields are enabled again right after. Nothing set: the bare address.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || (form.getAttribute("method") || "get").toLowerCase() !== "get") return;
    var fields = 0, emptied = [];
    each(form, "input[name], select[name], textarea[name]", function (el) {
      if (el.disabled || el.type === "submit") return;
      fields++;
      if (el.value === "") emptied.push(el);
    });
    if (fields > 0 && emptied.length === fields) {
      e.preventDefault();
      // The attribute, not form.action: Activity has a field named "action".
      window.location.assign(new URL(form.getAttribute("action") || "", location.href).href);
      return;
    }
    emptied.forEach(function (el) { el.disabled = true; });
    setTimeout(function () { emptied.forEach(function (el) { el.disabled = false; }); }, 0);
  });

  // ---- A form already sent comes back as the server gives it ------------------
  // Back to the page of a form that was sent loads that page again, and
  // Chrome fills its form in with what had been typed: the hub just created,
  // which a second Create refuses as a duplicate name. Sending a form marks
  // its history entry; the page shown again on that entry resets its forms
  // to what the server rendered (empty for something new, the saved values
  // for an edit), once. A form left without sending keeps what was typed.
  var sentMark = "hubadminSent";
  function withSent(sent) {
    var state = Object.assign({}, history.state);
    if (sent) state[sentMark] = true; else delete state[sentMark];
    history.replaceState(state, "");
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    withSent(true);
  });
  // Chrome fills the form in after the page's scripts ran and before
  // "pageshow" (also the event of a page restored from the back/forward
  // cache, where the form keeps what was typed as well).
  function resetSentForms() {
    if (!history.state || !history.state[sentMark]) return;
    each(document, "form[method='post']", function (f) { f.reset(); });
    withSent(false);
  }

  // Back/forward cache: a page restored after a plain submit would otherwise
  // come back with its buttons still disabled.
  window.addEventListener("pageshow", function (e) {
    resetSentForms();
    if (e.persisted) clearBusy(document);
    each(document, "[data-multichoice]", syncMultichoice); // boxes the browser restored
  });

  // ---- Links that look like buttons act like them --------------------------------
  // <a role="button"> is announced as a button, so it is pressed with Space
  // too, not only Enter (a link's key); Space would otherwise scroll the page.
  document.addEventListener("keydown", function (e) {
    var el = e.target;
    if (e.key !== " " || e.altKey || e.ctrlKey || e.metaKey || !el.matches || !el.matches("a[role='button'][href]")) return;
    e.preventDefault();
    el.click();
  });

  // ---- Toasts -------------------------------------------------------------------
  // .toast elements inside #toasts leave after TOAST_MS (later while hovered or
  // focused, so they can be read and their button reached); [data-dismiss]
  // inside one removes it at once.
  var scheduled = new WeakSet();

  function scheduleToast(toast) {
    if (scheduled.has(toast)) return;
    scheduled.add(toast);
    var expire = function () {
      if (!toast.isConnected) return;
      if (toast.matches(":hover") || toast.contains(document.activeElement)) {
        setTimeout(expire, 2000);
        return;
      }
      toast.remove();
    };
    setTimeout(expire, TOAST_MS);
  }

  function scheduleToasts() {
    each(document, "#toasts .toast", scheduleToast);
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest(".toast [data-dismiss]");
    if (!btn) return;
    e.preventDefault();
    btn.closest(".toast").remove();
  });

  // Escape dismisses the toasts, as it closes anything that floats over the
  // page; not from a text field, where Escape is the field's (a search box
  // clears). Focus inside a dismissed toast goes to the page's content.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    var toasts = document.querySelectorAll("#toasts .toast");
    if (!toasts.length) return;
    var el = e.target;
    if (el && el.closest && !el.closest(".toast") && el.matches("input:not([type='checkbox']):not([type='radio']):not([type='button']):not([type='submit']), textarea, select, [contenteditable]")) return;
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#toasts");
    each(document, "#toasts .toast", function (t) { t.remove(); });
    if (focused) {
      var main = document.getElementById("main");
      if (main) {
        if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
        main.focus();
      }
    }
  });

  // HX-Trigger: {"showToast": {"message": "…", "kind": "success"}}
  document.addEventListener("showToast", function (e) {
    var d = e.detail || {};
    var message = d.message || d.value;
    if (!message) return;
    var kind = /^[a-z][a-z0-9-]*$/.test(d.kind || "") ? d.kind : "info"; // class-name safe
    var box = document.getElementById("toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "toasts";
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    var toast = document.createElement("div");
    toast.className = "toast toast-" + kind;
    var text = document.createElement("span");
    text.className = "toast-message";
    text.textContent = String(message);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-dismiss";
    close.setAttribute("data-dismiss", "");
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "\u00d7";
    toast.appendChild(text);
    toast.appendChild(close);
    box.appendChild(toast);
    scheduleToast(toast);
  });

  // ---- A refused form: focus its first invalid field --------------------------------
  // The server answers a refused form with the form again (422), each error
  // next to its field; the caret goes where the first fix is needed, and a
  // screen reader reads that field with its error (aria-describedby).
  // A group (a fieldset of checkboxes) cannot take focus: its first control does.
  function focusFirstInvalid() {
    var field = document.querySelector("form [aria-invalid='true']");
    if (field && field.tagName === "FIELDSET") field = field.querySelector("input:not([type='hidden']), select, textarea, button");
    if (field && typeof field.focus === "function") field.focus();
  }

  // ---- Messages of a page just loaded are spoken ---------------------------------
  // A toast the server put in the page (a redirect's "Hub created") is part
  // of the live region from the start, and screen readers speak a region's
  // changes, not what it held at load: each is taken out and put back.
  function announceLoadedToasts() {
    var box = document.getElementById("toasts");
    if (!box || !box.children.length) return;
    var toasts = Array.prototype.slice.call(box.children);
    toasts.forEach(function (t) { box.removeChild(t); });
    setTimeout(function () { toasts.forEach(function (t) { box.appendChild(t); }); scheduleToasts(); }, 50);
  }

  // ---- A list filtered in place says what it shows now -------------------------
  // A filter or search swaps its list without moving focus (the caret stays
  // in the search box): the list's summary ("2 integrations") or its empty
  // state is put in a polite live region, so it is heard as well as seen.
  document.addEventListener("htmx:afterSettle", function (e) {
    var elt = e.detail && e.detail.elt;
    var from = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    if (!elt || !elt.matches || !elt.matches("[data-row-focus][id]") || !from || !from.closest || !from.closest("form.filters")) return;
    var said = elt.querySelector("[data-testid='empty-state'] h2, [data-testid='empty-state'] h3, .pager .muted, .list-summary");
    if (said) say(said.textContent.replace(/\s+/g, " ").trim());
  });

  // ---- Initialisation (page load and every htmx-loaded element) ------------------
  function init(root) {
    each(root, "[data-list-editor]", syncListEditor);
    each(root, "[data-multichoice]", syncMultichoice);
    scheduleToasts(); // document-wide: toasts may arrive out of band
  }

  document.addEventListener("htmx:load", function (e) {
    init(e.detail && e.detail.elt && e.detail.elt.querySelectorAll ? e.detail.elt : document);
  });
  // A swapped deliveries panel replaced the control that was used: focus
  // goes to the attempt's result when there is one (what the click asked
  // for), not back to the page's top. Paging has no result: htmx itself
  // focuses the new page's link of the same id; on the last page, where
  // that link is gone, the other one takes it. Never "Send test event",
  // where a second Enter would send one.
  document.addEventListener("htmx:afterSettle", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!elt || !elt.matches || !elt.matches(".webhook-panel")) return;
    var target = elt.querySelector("[data-testid='last-attempt']") || elt.querySelector(".pager a[href]");
    if (target && document.activeElement === document.body) target.focus();
  });
  // ---- Row actions keep the keyboard's place -------------------------------------
  // In a region <div id="…" data-row-focus="#fallback">, a table row's button
  // posts with htmx, and the answer replaces the row (Pause becomes Resume),
  // removes it, or replaces the whole region (after a delete): the pressed
  // button goes, and focus with it to <body>. It comes back to the same
  // button of the row's new version; for a row that is gone, to the first
  // action of the row now in its place, else of the row above, else to the
  // region's own call to action (an empty state's), else the fallback.
  // A row is known by its first link (its item's page), which costs no
  // extra bytes on a page of many rows.
  var rowPlaces = new WeakMap(); // xhr -> where its button stood
  var settlingPlace = null; // a place whose new row or region is not live yet

  function rowKey(row) {
    var a = row.querySelector("a[href]");
    return a ? a.getAttribute("href") : null;
  }

  function regionRows(region) {
    return region ? region.querySelectorAll("tbody > tr") : [];
  }

  // The region and the row as they are now in the page.
  function placeNow(place) {
    var region = document.getElementById(place.region.id);
    var row = Array.prototype.find.call(regionRows(region), function (r) {
      return place.key !== null && rowKey(r) === place.key;
    });
    return { region: region, row: row || null };
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    var btn = e.detail.elt;
    if (!btn || btn.tagName !== "BUTTON") return;
    var region = btn.closest("[data-row-focus][id]");
    var row = region && btn.closest("tr");
    if (!row || !e.detail.xhr) return;
    rowPlaces.set(e.detail.xhr, {
      button: btn,
      row: row,
      key: rowKey(row),
      region: region,
      index: Array.prototype.indexOf.call(regionRows(region), row),
      position: Array.prototype.indexOf.call(row.querySelectorAll("button"), btn)
    });
  });

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function rowAction(row) {
    return row.querySelector("button:not([disabled])") || row.querySelector("a[href]");
  }

  function rowFocusTarget(place) {
    if (place.button.isConnected) return place.button; // nothing swapped (an error)
    var now = placeNow(place);
    if (now.row) return now.row.querySelectorAll("button")[place.position] || rowAction(now.row);
    if (!now.region) return null;
    var rows = regionRows(now.region);
    if (rows.length) return rowAction(rows[Math.min(place.index, rows.length - 1)]);
    var own = now.region.querySelector("a[href], button:not([disabled])");
    var fallback = now.region.getAttribute("data-row-focus");
    return own || (fallback ? document.querySelector(fallback) : null);
  }

  function focusPlace(place) {
    var target = rowFocusTarget(place);
    if (target) target.focus();
  }

  // htmx:afterRequest fires after every swap, an empty one included (on an
  // ancestor still in the page when the button is gone, hence the xhr as
  // key: detail.elt is that ancestor then).
  document.addEventListener("htmx:afterRequest", function (e) {
    var xhr = e.detail.xhr;
    var place = xhr && rowPlaces.get(xhr);
    if (!place) return;
    rowPlaces.delete(xhr);
    if (!focusLost()) return;
    var now = placeNow(place);
    // A new row or region takes its hx-* behaviour when it settles: a
    // button of it focused sooner would, on Enter, submit the plain form.
    if ((now.row && now.row !== place.row) || (now.region && now.region !== place.region)) settlingPlace = place;
    else focusPlace(place);
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    var place = settlingPlace, elt = e.detail && e.detail.elt;
    if (!place || !elt) return;
    var now = placeNow(place);
    if (elt !== now.row && elt !== now.region) return;
    settlingPlace = null;
    if (focusLost()) focusPlace(place);
  });
  // Out-of-band swaps into #toasts do not always fire htmx:load on the toast.
  document.addEventListener("htmx:afterSettle", scheduleToasts);

  // Typing a search makes one history entry, not one for every pause: a
  // result whose query only adds or takes letters at the end of the query
  // of the entry typing made takes that entry's place. Another query, a
  // filter, a page, or Back and Forward start a new entry.
  var typedEntry = null; // the address of the entry the search box made last
  function searchQuery(href) {
    return (new URL(href, location.href).searchParams.get("q") || "").toLowerCase();
  }
  document.addEventListener("htmx:beforeHistoryUpdate", function (e) {
    var h = e.detail.history, cfg = e.detail.requestConfig, elt = cfg && cfg.elt;
    if (!h || !elt || !elt.matches || !elt.matches('input[type="search"]')) {
      typedEntry = null;
      return;
    }
    var to = new URL(h.path, location.href).href;
    if (h.type === "push" && typedEntry === location.href) {
      var was = searchQuery(location.href), now = searchQuery(to);
      if (was && (now.indexOf(was) === 0 || was.indexOf(now) === 0)) h.type = "replace";
    }
    typedEntry = to;
  });
  window.addEventListener("popstate", function () { typedEntry = null; });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); focusFirstInvalid(); announceLoadedToasts(); });
  } else {
    init(document);
    focusFirstInvalid();
    announceLoadedToasts();
  }
})();
