/* The talent-map explorer: draws the view the server sends with cytoscape, and asks the server for the
 * next view when a cluster opens or closes, a person or skill is chosen, or the form is sent.
 * Every text comes from the page (the settings block, the table and the panel the server renders);
 * nothing here is English for the reader. Without cytoscape the page keeps its server-drawn picture. */
(function () {
  "use strict";

  var root = document.getElementById("explorer");
  var box = document.getElementById("explorer-graph");
  if (!root || !box || typeof window.cytoscape !== "function") {
    return;
  }
  var settings = JSON.parse(document.getElementById("explorer-settings").textContent);
  var first = JSON.parse(document.getElementById("explorer-elements").textContent);
  var form = document.getElementById("explorer-form");
  var table = document.getElementById("explorer-table");
  var panel = document.getElementById("explorer-panel");
  var status = document.getElementById("explorer-status");
  var current = new URL(window.location.href);
  var asked = 0;
  var shown = 0;

  var PEOPLE = "#0072b2";
  var SKILLS = "#334155";
  var HOLDS = "#009e73";
  var WANTS = "#b4457f";
  var RISK = "#d55e00";
  var BRIDGE = "#e69f00";

  var style = [
    { selector: "node", style: {
      "label": "data(label)", "text-wrap": "wrap", "text-max-width": "130px", "font-size": 12,
      "font-family": "system-ui, sans-serif", "color": "#1d2433",
      "text-valign": "bottom", "text-halign": "center", "text-margin-y": 4,
      "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": "2px",
      "text-background-shape": "roundrectangle", "min-zoomed-font-size": 7,
      "border-width": 2, "border-color": "#ffffff" } },
    { selector: "node.people-side", style: { "background-color": PEOPLE, "shape": "ellipse" } },
    { selector: "node.skill-side", style: { "background-color": SKILLS, "shape": "round-rectangle" } },
    { selector: "node.department, node.category", style: {
      "width": "mapData(size, 1, 200, 30, 64)", "height": "mapData(size, 1, 200, 30, 64)",
      "font-size": 13, "font-weight": "bold" } },
    { selector: "node.team", style: { "width": "mapData(size, 1, 15, 18, 34)", "height": "mapData(size, 1, 15, 18, 34)" } },
    { selector: "node.person, node.skill", style: { "width": 14, "height": 14, "font-size": 11 } },
    /* With a cluster open on its side, a closed department or category is context: drawn smaller. */
    { selector: "node.context", style: { "width": "mapData(size, 1, 200, 18, 30)", "height": "mapData(size, 1, 200, 18, 30)",
      "font-size": 11, "font-weight": "normal" } },
    { selector: "node.unlisted", style: { "background-color": "#9ca3af" } },
    { selector: "node:parent", style: {
      "background-color": "#f1f5f9", "background-opacity": 0.9, "border-color": "#94a3b8", "border-width": 1,
      "shape": "round-rectangle", "text-valign": "top", "text-margin-y": -4, "font-weight": "bold",
      "padding": "14px" } },
    { selector: "node.skill-side:parent", style: { "background-color": "#f8fafc", "border-style": "dashed" } },
    { selector: "node.risk", style: { "border-color": RISK, "border-width": 4, "border-style": "double" } },
    { selector: "node.bridge", style: { "border-color": BRIDGE, "border-width": 4 } },
    { selector: "edge", style: {
      "width": "mapData(weight, 1, 200, 1, 7)", "line-color": "#94a3b8", "opacity": 0.55,
      "curve-style": "haystack" } },
    { selector: "edge.tie", style: { "curve-style": "bezier", "opacity": 0.95, "width": 3,
      "target-arrow-shape": "none", "z-index": 10 } },
    { selector: "edge.tie.holds", style: { "line-color": HOLDS } },
    { selector: "edge.tie.wants", style: { "line-color": WANTS, "line-style": "dashed" } },
    { selector: "node.holds", style: { "border-color": HOLDS, "border-width": 5, "min-zoomed-font-size": 4 } },
    { selector: "node.wants", style: { "border-color": WANTS, "border-width": 5, "border-style": "dashed",
      "min-zoomed-font-size": 4 } },
    { selector: "node.focused", style: { "border-color": "#111827", "border-width": 5, "font-weight": "bold",
      "z-index": 20, "min-zoomed-font-size": 0 } },
    { selector: ".faded", style: { "opacity": 0.25 } },
    { selector: "node:parent.faded", style: { "opacity": 0.6 } },
    { selector: "node:selected", style: { "overlay-color": "#111827", "overlay-opacity": 0.12 } }
  ];

  box.hidden = false;
  root.classList.add("has-graph");
  var cy = window.cytoscape({
    container: box,
    elements: first,
    style: style,
    wheelSensitivity: 0.3,
    minZoom: 0.1,
    maxZoom: 3
  });

  /* Where each node goes: people on the left, skills on the right, each side packed in rows of
   * blocks. A closed node is a block as big as its shape and label; an open cluster is a block holding
   * its members' blocks, with room above for its own label. Blocks never overlap, so labels never do;
   * of a few widths tried, the one that lets the drawing fill the box at the largest zoom is kept. */
  var GAP = 10;
  var PAD = 12;
  var TITLE = 22;

  function measure(node) {
    if (node.isParent()) {
      var members = node.children().map(measure);
      var area = members.reduce(function (sum, m) { return sum + m.area; }, 0);
      var widest = Math.max.apply(null, members.map(function (m) { return m.members ? m.least + 2 * PAD : m.w; }));
      return { node: node, members: members, least: widest, area: area, w: 0, h: 0 };
    }
    var box = node.boundingBox({ includeLabels: true, includeOverlays: false });
    return { node: node, w: box.w, h: box.h, area: (box.w + GAP) * (box.h + GAP),
      dx: node.position("x") - (box.x1 + box.x2) / 2, dy: node.position("y") - (box.y1 + box.y2) / 2 };
  }

  function pack(blocks, width) {
    var x = 0;
    var y = 0;
    var rowHeight = 0;
    var widest = 0;
    blocks.forEach(function (block) {
      if (block.members) {
        // An open cluster takes the whole width it is given: a row of its own, no room lost beside it.
        var inner = pack(block.members, width - 2 * PAD);
        block.w = inner.w + 2 * PAD;
        block.h = inner.h + 2 * PAD + TITLE;
      }
      if (x > 0 && x + block.w > width) {
        x = 0;
        y += rowHeight + GAP;
        rowHeight = 0;
      }
      block.x = x;
      block.y = y;
      x += block.w + GAP;
      rowHeight = Math.max(rowHeight, block.h);
      widest = Math.max(widest, x - GAP);
    });
    return { w: widest, h: y + rowHeight };
  }

  function place(blocks, left, top) {
    blocks.forEach(function (block) {
      if (block.members) {
        place(block.members, left + block.x + PAD, top + block.y + PAD + TITLE);
      } else {
        block.node.position({ x: left + block.x + block.w / 2 + block.dx, y: top + block.y + block.h / 2 + block.dy });
      }
    });
  }

  function layout() {
    ["people-side", "skill-side"].forEach(function (side) {
      var clusters = cy.nodes("." + side + ".cluster").orphans();
      var anyOpen = clusters.filter(function (n) { return n.data("open"); }).nonempty();
      clusters.forEach(function (n) {
        n.toggleClass("context", anyOpen && !n.data("open"));
      });
    });
    var sides = ["people-side", "skill-side"].map(function (side) {
      return cy.nodes("." + side).orphans().map(measure);
    });
    var areas = sides.map(function (blocks) {
      return blocks.reduce(function (sum, b) { return sum + b.area; }, 1);
    });
    var boxWidth = Math.max(cy.width(), 300);
    var boxHeight = Math.max(cy.height(), 300);
    var widest = sides.map(function (blocks) {
      return Math.max.apply(null, blocks.map(function (b) { return b.members ? b.least + 2 * PAD : b.w; }).concat([0]));
    });
    var areaShare = areas[0] / (areas[0] + areas[1]);
    var best = null;
    [0.5, 0.6, 0.7, 0.85, 1, 1.2, 1.5, 2, 2.6, 3.4].forEach(function (scale) {
      [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3].forEach(function (shift) {
        var share = Math.min(0.9, Math.max(0.1, areaShare + shift));
        var total = boxWidth * scale;
        var shares = [Math.max(widest[0], total * share), Math.max(widest[1], total * (1 - share))];
        var packed = sides.map(function (blocks, i) { return pack(blocks, shares[i]); });
        var width = packed[0].w + packed[1].w + 6 * GAP;
        var height = Math.max(packed[0].h, packed[1].h);
        var zoom = Math.min(boxWidth / width, boxHeight / height);
        if (!best || zoom > best.zoom) {
          best = { zoom: zoom, shares: shares };
        }
      });
    });
    var packed = sides.map(function (blocks, i) { return pack(blocks, best.shares[i]); });
    var height = Math.max(packed[0].h, packed[1].h);
    cy.batch(function () {
      place(sides[0], 0, (height - packed[0].h) / 2);
      place(sides[1], packed[0].w + 6 * GAP, (height - packed[1].h) / 2);
    });
    cy.fit(undefined, 12);
    if (cy.zoom() > 1.5) {
      cy.zoom(1.5);
      cy.center();
    }
  }

  /* The chosen node and everything it ties to in view: zoomed in no further than names at their own
   * size (or the whole map's zoom, when that is larger), so that their surroundings stay in sight. */
  function showFocus() {
    var lit = cy.$(".focused, .holds, .wants");
    if (lit.empty()) {
      return;
    }
    var most = Math.max(cy.zoom(), 1);
    cy.fit(lit, 40);
    if (cy.zoom() > most) {
      var box = lit.boundingBox();
      cy.zoom({ level: most, position: { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 } });
      cy.center(lit);
    }
  }

  function markFocus(focus) {
    cy.batch(function () {
      cy.remove("edge.tie");
      cy.elements().removeClass("holds wants focused faded");
      if (!focus) {
        return;
      }
      var centre = cy.getElementById(focus.id);
      if (centre.empty()) {
        return;
      }
      centre.addClass("focused");
      var ties = [];
      function tie(kind, targets) {
        Object.keys(targets).forEach(function (id) {
          var other = cy.getElementById(id);
          if (other.empty() || id === focus.id) {
            return;
          }
          other.addClass(kind);
          ties.push({ group: "edges", classes: "tie " + kind,
            data: { id: "tie:" + kind + ":" + id, source: focus.id, target: id, weight: 1 } });
        });
      }
      tie("holds", focus.holds);
      tie("wants", focus.wants);
      cy.add(ties);
      var lit = cy.$(".focused, .holds, .wants");
      cy.nodes().not(lit).not(lit.ancestors()).addClass("faded");
      cy.edges().not(".tie").addClass("faded");
    });
  }

  function show(data) {
    cy.batch(function () {
      cy.elements().remove();
      cy.add(data.elements);
    });
    layout();
    markFocus(data.focus);
    showFocus();
    box.setAttribute("data-shown", String(++shown));
    table.innerHTML = data.table;
    panel.innerHTML = data.panel;
    status.textContent = data.summary;
    syncForm(data.open);
  }

  /* The form carries the open clusters, so sending it keeps them open. */
  function syncForm(open) {
    Array.prototype.slice.call(form.querySelectorAll("input[name=open]")).forEach(function (input) {
      input.remove();
    });
    open.forEach(function (id) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "open";
      input.value = id;
      form.appendChild(input);
    });
  }

  /* Where the keyboard goes once the next view is in: the panel's heading after choosing a person or
   * skill; after opening or closing a cluster in the table, the link of the same row, which the new
   * table holds again. */
  function toPanel() {
    var heading = panel.querySelector("h2");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function toRow(nodeId) {
    return function () {
      var rows = table.querySelectorAll("tr[data-node]");
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].getAttribute("data-node") === nodeId) {
          var link = rows[i].querySelector("a[data-explorer=open], a[data-explorer=close]");
          if (link) {
            link.focus();
          }
          return;
        }
      }
    };
  }

  function go(query, after) {
    var ask = ++asked;
    status.textContent = settings.words.loading;
    root.setAttribute("aria-busy", "true");
    fetch(settings.view + "?" + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ask !== asked) {
          return;
        }
        show(data);
        current = new URL(data.url, window.location.href);
        window.history.replaceState(null, "", current.href);
        if (after) {
          after();
        }
      })
      .catch(function () {
        status.textContent = settings.words.failed;
        root.classList.remove("has-graph");
      })
      .then(function () { root.removeAttribute("aria-busy"); });
  }

  function queryOf(href) {
    return new URL(href, window.location.href).search.replace(/^\?/, "");
  }

  function withParam(name, values) {
    var params = new URLSearchParams(current.search);
    params.delete("find");
    params.delete(name);
    values.forEach(function (value) { params.append(name, value); });
    return params;
  }

  cy.on("tap", "node", function (event) {
    var node = event.target;
    var data = node.data();
    if (data.kind === "person" || data.kind === "skill") {
      go(withParam("focus", [data.id]).toString(), null);
    } else if (!data.open) {
      var params = withParam("open", new URLSearchParams(current.search).getAll("open").concat([data.id]));
      params.delete("focus");
      go(params.toString(), null);
    }
  });

  root.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-explorer]") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    var row = link.closest("tr[data-node]");
    var kind = link.getAttribute("data-explorer");
    go(queryOf(link.href), kind === "focus" ? toPanel : row ? toRow(row.getAttribute("data-node")) : null);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams(new FormData(form));
    ["find", "department", "site"].forEach(function (name) {
      if (!params.get(name)) {
        params.delete(name);
      }
    });
    go(params.toString(), params.get("find") ? toPanel : null);
  });

  layout();
  markFocus(settings.focus || null);
  showFocus();
  box.setAttribute("data-shown", String(++shown));
}());
