/* Arrange: move works in place with their buttons or by dragging; "Save order" posts the list. */
"use strict";

(function () {
  const list = document.getElementById("arrange-list");
  const status = document.getElementById("arrange-status");
  if (!list) {
    return;
  }
  let dragged = null;

  function items() {
    return Array.from(list.querySelectorAll(".arrange-item"));
  }

  function announce(item) {
    const place = items().indexOf(item) + 1;
    status.textContent = "“" + item.dataset.title + "” is now number " + place + " of " +
      items().length + ". Save the order to keep it.";
  }

  function move(item, direction) {
    const all = items();
    const index = all.indexOf(item);
    if (direction === "top") {
      list.insertBefore(item, all[0]);
    } else if (direction === "up" && index > 0) {
      list.insertBefore(item, all[index - 1]);
    } else if (direction === "down" && index < all.length - 1) {
      list.insertBefore(all[index + 1], item);
    }
  }

  list.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-move]");
    if (!button) {
      return;
    }
    event.preventDefault();
    const item = button.closest(".arrange-item");
    move(item, button.dataset.move);
    button.focus();
    announce(item);
  });

  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".arrange-item");
    if (!dragged) {
      return;
    }
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });

  list.addEventListener("dragover", function (event) {
    const target = event.target.closest(".arrange-item");
    if (!dragged || !target) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    items().forEach(function (item) {
      item.classList.toggle("drop-target", item === target && item !== dragged);
    });
  });

  list.addEventListener("drop", function (event) {
    const target = event.target.closest(".arrange-item");
    if (!dragged || !target) {
      return;
    }
    event.preventDefault();
    if (target !== dragged) {
      const all = items();
      // The dragged work takes the target's place: after it when coming from above.
      const after = all.indexOf(dragged) < all.indexOf(target);
      list.insertBefore(dragged, after ? target.nextSibling : target);
      announce(dragged);
    }
  });

  list.addEventListener("dragend", function () {
    items().forEach(function (item) {
      item.classList.remove("dragging", "drop-target");
    });
    dragged = null;
  });
})();
