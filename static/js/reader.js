// Opt-out Guides: small enhancements for pages that work without JavaScript.
// - the App/Desktop links become accessible tabs (arrow keys, Home/End) and the choice is
//   remembered in this browser only (localStorage);
// - ticked steps are remembered in this browser only. Nothing is sent anywhere.
"use strict";

(function () {
  var DEVICE_KEY = "optout:device";
  var DONE_PREFIX = "optout:done:";

  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null; // storage disabled: the page still works, it just forgets
    }
  }

  function save(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (error) {
      // storage disabled or full: nothing to do
    }
  }

  function setUpTabs(list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll("a[data-device]"));
    var panels = tabs.map(function (tab) {
      return document.getElementById(tab.getAttribute("href").slice(1));
    });
    if (tabs.length < 2 || panels.indexOf(null) !== -1) {
      return;
    }

    list.setAttribute("role", "tablist");
    tabs.forEach(function (tab, index) {
      tab.parentNode.setAttribute("role", "presentation");
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panels[index].id);
      panels[index].setAttribute("role", "tabpanel");
      panels[index].setAttribute("aria-labelledby", tab.id);
      panels[index].setAttribute("tabindex", "-1");
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var selected = i === index;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.setAttribute("tabindex", selected ? "0" : "-1");
        panels[i].hidden = !selected;
      });
      if (focus) {
        tabs[index].focus();
      }
    }

    function choose(index, focus) {
      select(index, focus);
      save(DEVICE_KEY, tabs[index].getAttribute("data-device"));
    }

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        choose(index, false);
      });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") {
          next = (index + 1) % tabs.length;
        } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
          next = (index - 1 + tabs.length) % tabs.length;
        } else if (event.key === "Home") {
          next = 0;
        } else if (event.key === "End") {
          next = tabs.length - 1;
        }
        if (next !== null) {
          event.preventDefault();
          choose(next, true);
        }
      });
    });

    // A link to a step (#step-desktop-3) or a panel wins over the remembered choice.
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    var initial = panels.findIndex(function (panel) {
      return target !== null && panel.contains(target);
    });
    if (initial === -1) {
      initial = tabs.findIndex(function (tab) {
        return tab.getAttribute("data-device") === load(DEVICE_KEY);
      });
    }
    select(Math.max(initial, 0), false);
  }

  function setUpChecklist() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input.step-done[data-step]"));

    function show(box, done) {
      box.checked = done;
      var step = box.closest(".step");
      if (step) {
        step.classList.toggle("is-done", done);
      }
    }

    // Without JavaScript nothing is remembered, so the reset button only appears with it, and
    // only once a step is ticked.
    var buttons = Array.prototype.slice.call(document.querySelectorAll("button.reset-checklist"));

    function showButtons() {
      var ticked = boxes.some(function (box) {
        return box.checked;
      });
      buttons.forEach(function (button) {
        button.hidden = !ticked;
      });
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        boxes.forEach(function (box) {
          save(DONE_PREFIX + box.getAttribute("data-step"), null);
          show(box, false);
        });
        showButtons();
        // The button just disappeared: keep the keyboard in the list of steps.
        var first = boxes.filter(function (box) {
          return box.offsetParent !== null;
        })[0];
        if (first) {
          first.focus();
        }
      });
    });

    boxes.forEach(function (box) {
      var key = DONE_PREFIX + box.getAttribute("data-step");
      show(box, load(key) === "1");
      box.addEventListener("change", function () {
        save(key, box.checked ? "1" : null);
        // The same step can appear in the App and the Desktop list.
        boxes.forEach(function (other) {
          if (other.getAttribute("data-step") === box.getAttribute("data-step")) {
            show(other, box.checked);
          }
        });
        showButtons();
      });
    });
    showButtons();
  }

  document.querySelectorAll("[data-tabs]").forEach(setUpTabs);
  setUpChecklist();
})();
