/* graphsc view: draws the lineage JSON of #graphsc-data with Cytoscape.js (inlined above).
 *
 * Model: every model and DERIVED_FROM edge of the data. A model with more than data.fanOut derivatives shows the
 * fanOut most downloaded; the rest are folded into a group node "more:<parent>" that expands on click. A model is
 * drawn when a root reaches it through unfolded edges (or when no root reaches it at all: a cycle); an edge is
 * drawn when both its ends are. Ids are only ever inserted as text (textContent), never as HTML.
 */
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("graphsc-data").textContent);
  const fanOut = Math.max(1, data.fanOut || 25);
  const nodesById = new Map(data.nodes.map((n) => [n.id, n]));
  const colorOf = new Map(data.categories.map((c) => [c.name, c.color]));
  const relationNames = new Set(data.relations.map((r) => r.name));
  const GROUP_PREFIX = "more:";

  // adjacency: base -> edges to its derivatives, child -> edges to its bases
  const down = new Map();
  const up = new Map();
  const push = (map, key, value) => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(value);
  };
  data.edges.forEach((e, i) => {
    e.id = "e" + i;
    if (!relationNames.has(e.relation)) e.relation = "other";
    push(down, e.base, e);
    push(up, e.child, e);
  });
  const downloads = (id) => (nodesById.get(id) || {}).downloads || 0;
  const byImportance = (a, b) => downloads(b) - downloads(a) || (a < b ? -1 : a > b ? 1 : 0);

  // groups: the derivatives of a parent beyond the fanOut most downloaded
  const groups = new Map();
  const folded = new Map(); // parent -> Set of folded child ids (while the group is not expanded)
  for (const [base, edges] of down) {
    const children = [...new Set(edges.map((e) => e.child))].sort(byImportance);
    if (children.length <= fanOut) continue;
    const hidden = children.slice(fanOut);
    const group = { id: GROUP_PREFIX + base, parent: base, children: hidden, expanded: false };
    groups.set(group.id, group);
    folded.set(base, new Set(hidden));
  }
  const isFolded = (e) => {
    const set = folded.get(e.base);
    return set !== undefined && set.has(e.child);
  };

  const roots = data.roots.filter((id) => nodesById.has(id));
  // models no root reaches even with every group expanded (cycles): always drawn
  const reachable = bfs(roots, () => true);
  const unrooted = data.nodes.map((n) => n.id).filter((id) => !reachable.has(id));

  function bfs(starts, follow) {
    const seen = new Set(starts);
    const queue = [...starts];
    for (let i = 0; i < queue.length; i++) {
      for (const e of down.get(queue[i]) || []) {
        if (!seen.has(e.child) && follow(e)) {
          seen.add(e.child);
          queue.push(e.child);
        }
      }
    }
    return seen;
  }

  function visibleModels() {
    return bfs([...roots, ...unrooted], (e) => !isFolded(e));
  }

  function groupLabel(group, shown) {
    const rest = group.children.filter((c) => !shown.has(c));
    const counts = new Map();
    const restSet = new Set(rest);
    for (const e of down.get(group.parent) || []) {
      if (restSet.has(e.child)) counts.set(e.relation, (counts.get(e.relation) || 0) + 1);
    }
    const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([r, n]) => r + ": " + n);
    return { count: rest.length, label: "+" + rest.length + " more (" + parts.join(", ") + ")" };
  }

  function shortName(id) {
    const slash = id.indexOf("/");
    return slash >= 0 ? id.slice(slash + 1) : id;
  }

  // the elements that should be drawn now
  function wanted() {
    const shown = visibleModels();
    const elements = [];
    for (const id of shown) {
      const n = nodesById.get(id);
      const classes = [n.fetched ? "model" : "model stub"];
      if (id === data.focus) classes.push("focus");
      if (reachedBy.has(id)) classes.push("reached");
      elements.push({
        group: "nodes",
        data: { id, label: shortName(id), category: n.category, color: colorOf.get(n.category) || "#7f7f7f" },
        classes: classes.join(" "),
      });
    }
    for (const e of data.edges) {
      if (!shown.has(e.child) || !shown.has(e.base)) continue;
      const severity = originSeverity.get(e.child + "\u0000" + e.base);
      elements.push({
        group: "edges",
        data: { id: e.id, source: e.base, target: e.child, child: e.child, base: e.base, relation: e.relation },
        classes: severity ? "finding-" + severity : "",
      });
    }
    for (const group of groups.values()) {
      if (group.expanded || !shown.has(group.parent)) continue;
      const { count, label } = groupLabel(group, shown);
      if (count === 0) continue;
      elements.push({ group: "nodes", data: { id: group.id, label, count, parent_: group.parent, width: 12 + 5.6 * label.length }, classes: "group" });
      elements.push({ group: "edges", data: { id: "g:" + group.id, source: group.parent, target: group.id }, classes: "to-group" });
    }
    return elements;
  }

  // findings: origin edges (child -> each base) and reached models
  const severityRank = { error: 0, warning: 1, info: 2 };
  const originSeverity = new Map();
  const reachedBy = new Set();
  for (const f of data.findings) {
    for (const b of f.bases) {
      const key = f.child + "\u0000" + b;
      const old = originSeverity.get(key);
      if (old === undefined || (severityRank[f.severity] ?? 3) < (severityRank[old] ?? 3)) originSeverity.set(key, f.severity);
    }
    for (const m of f.reached) if (nodesById.has(m)) reachedBy.add(m);
  }

  const large = data.nodes.length > 2000;
  const style = [
    {
      selector: "node",
      style: {
        label: "data(label)",
        "font-size": 10,
        "min-zoomed-font-size": large ? 6 : 0,
        "text-valign": "bottom",
        "text-halign": "right",
        "text-rotation": 0.6,
        "text-margin-x": -4,
        "text-margin-y": -2,
        "text-wrap": "ellipsis",
        "text-max-width": "180px",
        width: 22,
        height: 22,
        "background-color": "data(color)",
        "border-width": 1,
        "border-color": "#333",
      },
    },
    { selector: "node.stub", style: { "background-opacity": 0.25, "border-style": "dashed", "border-width": 2, "border-color": "data(color)" } },
    { selector: "node.reached", style: { "outline-width": 3, "outline-color": data.severities.error, "outline-offset": 1 } },
    { selector: "node.focus", style: { width: 34, height: 34, "border-width": 4, "border-color": "#000", "font-weight": "bold", "font-size": 12 } },
    {
      selector: "node.group",
      style: {
        shape: "round-rectangle",
        width: "data(width)",
        height: 18,
        padding: "4px",
        "background-color": "#ffffff",
        "border-style": "dotted",
        "border-color": "#666",
        "text-valign": "center",
        "text-halign": "center",
        "text-rotation": 0,
        "text-margin-x": 0,
        "text-margin-y": 0,
        "text-max-width": "400px",
        color: "#333",
      },
    },
    {
      selector: "edge",
      style: { width: 2, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.8, "line-color": "#555", "target-arrow-color": "#555" },
    },
    ...data.relations.map((r) => ({
      selector: 'edge[relation = "' + r.name + '"]',
      style: { "line-style": r.line, "line-color": r.color, "target-arrow-color": r.color, width: r.width },
    })),
    { selector: "edge.to-group", style: { "line-style": "dotted", "line-color": "#999", "target-arrow-shape": "none", width: 1 } },
    { selector: "edge.finding-warning", style: { "line-color": data.severities.warning, "target-arrow-color": data.severities.warning, width: 5, "z-index": 10 } },
    { selector: "edge.finding-error", style: { "line-color": data.severities.error, "target-arrow-color": data.severities.error, width: 5, "z-index": 11 } },
    { selector: ".filtered", style: { display: "none" } },
    { selector: "node:selected", style: { "overlay-color": "#1f77b4", "overlay-opacity": 0.25, "overlay-padding": 6 } },
    { selector: "edge:selected", style: { "overlay-color": "#1f77b4", "overlay-opacity": 0.3, "overlay-padding": 4 } },
  ];

  const cy = cytoscape({
    container: document.getElementById("graph"),
    elements: wanted(),
    style,
    minZoom: 0.02,
    maxZoom: 4,
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    pixelRatio: large ? 1 : "auto",
  });

  function layoutRoots() {
    return cy.nodes().filter((n) => n.indegree(false) === 0);
  }

  function runLayout(fit) {
    const layout = cy.layout({
      name: "breadthfirst",
      directed: true,
      roots: layoutRoots(),
      maximal: false,
      spacingFactor: 1.1,
      avoidOverlap: true,
      nodeDimensionsIncludeLabels: false,
      animate: false,
      fit,
      padding: 30,
    });
    layout.run();
  }

  // bring the model in sync with what should be drawn; returns the ids of the models it added
  function sync() {
    const elements = wanted();
    const keep = new Set(elements.map((el) => el.data.id));
    cy.batch(() => {
      cy.elements().filter((el) => !keep.has(el.id())).remove();
      const added = [];
      for (const el of elements) {
        const old = cy.getElementById(el.data.id);
        if (old.nonempty()) {
          if (el.data.label !== undefined && old.data("label") !== el.data.label) old.data("label", el.data.label);
          continue;
        }
        added.push(el);
      }
      cy.add(added);
    });
    applyFilters();
  }

  function expand(groupId) {
    const group = groups.get(groupId);
    if (!group || group.expanded) return [];
    const before = new Set(cy.nodes(".model").map((n) => n.id()));
    group.expanded = true;
    folded.delete(group.parent);
    sync();
    runLayout(false);
    updateStats();
    return cy
      .nodes(".model")
      .map((n) => n.id())
      .filter((id) => !before.has(id));
  }

  // expand the groups that hold ``id`` (through one chain of bases up to a drawn model)
  function reveal(id) {
    if (!nodesById.has(id)) return false;
    if (cy.getElementById(id).nonempty()) return true;
    const seen = new Set();
    const chain = (m) => {
      // returns a list of groups to expand so m gets drawn, or null
      if (visibleNow.has(m)) return [];
      if (seen.has(m)) return null;
      seen.add(m);
      for (const e of up.get(m) || []) {
        const above = chain(e.base);
        if (above === null) continue;
        const set = folded.get(e.base);
        return set && set.has(m) ? [...above, GROUP_PREFIX + e.base] : above;
      }
      return null;
    };
    const visibleNow = visibleModels();
    const toExpand = chain(id) || [];
    let changed = false;
    for (const g of toExpand) {
      const group = groups.get(g);
      if (group && !group.expanded) {
        group.expanded = true;
        folded.delete(group.parent);
        changed = true;
      }
    }
    if (changed) {
      sync();
      runLayout(false);
      updateStats();
    }
    return cy.getElementById(id).nonempty();
  }

  function search(query) {
    const q = String(query || "").trim().toLowerCase();
    if (!q) return [];
    const exact = data.nodes.filter((n) => n.id.toLowerCase() === q).map((n) => n.id);
    const matches = exact.length ? exact : data.nodes.filter((n) => n.id.toLowerCase().includes(q)).map((n) => n.id);
    const shown = matches.slice(0, 50);
    shown.forEach(reveal);
    const found = cy.collection(shown.map((id) => cy.getElementById(id)).filter((n) => n.nonempty()));
    cy.elements().unselect();
    found.select();
    if (found.nonempty()) {
      cy.animate({ fit: { eles: found, padding: 80 }, duration: 300 });
      if (found.length === 1) showNode(found[0].id());
    }
    setText(
      document.getElementById("search-result"),
      matches.length === 0
        ? "No model matches."
        : matches.length + (matches.length === 1 ? " match" : " matches") + (matches.length > shown.length ? " (first " + shown.length + " selected)" : "")
    );
    return matches;
  }

  // ----- the side panel -----
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function setText(node, text) {
    node.textContent = text;
  }

  function showNode(id) {
    const n = nodesById.get(id);
    const section = document.getElementById("details");
    const body = document.getElementById("details-body");
    body.replaceChildren();
    if (!n) {
      section.hidden = true;
      return;
    }
    section.hidden = false;
    body.appendChild(el("h1", n.id));
    const dl = el("dl");
    const row = (k, v) => {
      dl.appendChild(el("dt", k));
      const dd = el("dd");
      if (v instanceof Node) dd.appendChild(v);
      else dd.textContent = v === null || v === undefined || v === "" ? "—" : String(v);
      dl.appendChild(dd);
    };
    row("license", n.license);
    row("category", n.category);
    row("downloads", n.downloads === null || n.downloads === undefined ? null : n.downloads.toLocaleString("en"));
    row("author", n.author);
    row("task", n.task);
    row("fetched", n.fetched ? "yes" : "no (a stub: known only as a base)");
    row("bases", (up.get(id) || []).map((e) => e.base + " (" + e.relation + ")").join(", "));
    row("derivatives", String(new Set((down.get(id) || []).map((e) => e.child)).size));
    row("datasets", n.datasets.length ? n.datasets.join(", ") : null);
    const more = n.usersCount > n.users.length ? " (first " + n.users.length + ": " + n.users.join(", ") + ", …)" : n.users.length ? ": " + n.users.join(", ") : "";
    row("users", n.usersCount + more);
    const link = el("a", "Open on the Hub");
    if (/^https:\/\//.test(n.url)) link.href = n.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    row("page", link);
    body.appendChild(dl);
  }

  function renderFindings() {
    const list = document.getElementById("findings");
    setText(document.getElementById("findings-count"), "(" + data.findings.length + ")");
    if (!data.findings.length) {
      list.appendChild(el("li", "None in this subgraph.", "muted"));
      return;
    }
    data.findings.forEach((f, i) => {
      const li = el("li");
      li.dataset.index = String(i);
      li.appendChild(el("span", f.severity, "sev " + f.severity));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("strong", f.rule));
      li.appendChild(el("div", f.detail || f.description));
      if (f.clauses.length) {
        const ul = el("ul", null, "clauses");
        f.clauses.forEach((c) => ul.appendChild(el("li", c)));
        li.appendChild(ul);
      }
      li.appendChild(el("div", "reaches " + f.reached.length + " model" + (f.reached.length === 1 ? "" : "s"), "muted"));
      li.addEventListener("click", () => selectFinding(i));
      list.appendChild(li);
    });
  }

  function selectFinding(index) {
    const f = data.findings[index];
    if (!f) return null;
    [f.child, ...f.bases, ...f.reached].forEach(reveal);
    const edges = cy.edges().filter((e) => e.data("child") === f.child && f.bases.includes(e.data("base")));
    // a use or training finding's child (a repository, Space) or base (a dataset) is not drawn: select the drawn
    // models of its origin edge instead, so the finding always points at something on the page
    const ends = edges.nonempty() ? [] : [f.child, ...f.bases];
    const drawn = (ids) => ids.map((id) => cy.getElementById(id)).filter((n) => n.nonempty());
    const reached = cy.collection(drawn([...f.reached, ...ends]));
    const chosen = edges.union(reached);
    cy.elements().unselect();
    chosen.select();
    document.querySelectorAll("#findings li.active").forEach((li) => li.classList.remove("active"));
    const li = document.querySelector('#findings li[data-index="' + index + '"]');
    if (li) li.classList.add("active");
    const around = chosen.union(edges.connectedNodes());
    if (around.nonempty()) cy.animate({ fit: { eles: around, padding: 80 }, duration: 300 });
    return { edges: edges.map((e) => [e.data("child"), e.data("base")]), reached: reached.map((n) => n.id()) };
  }

  // ----- filters and legend -----
  const hiddenRelations = new Set();
  const hiddenCategories = new Set();
  function applyFilters() {
    cy.batch(() => {
      cy.elements().removeClass("filtered");
      if (hiddenCategories.size) cy.nodes(".model").filter((n) => hiddenCategories.has(n.data("category"))).addClass("filtered");
      if (hiddenRelations.size) cy.edges().filter((e) => hiddenRelations.has(e.data("relation"))).addClass("filtered");
    });
  }

  function legendItem(list, swatch, name, hiddenSet, kind) {
    const li = el("li");
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.filter = kind;
    box.value = name;
    box.addEventListener("change", () => {
      if (box.checked) hiddenSet.delete(name);
      else hiddenSet.add(name);
      applyFilters();
    });
    label.append(box, swatch, el("span", name));
    li.appendChild(label);
    list.appendChild(li);
  }

  function renderLegend() {
    const present = new Set(data.nodes.map((n) => n.category));
    const cats = document.getElementById("legend-categories");
    for (const c of data.categories) {
      const swatch = el("span", null, "swatch");
      swatch.style.background = c.color;
      swatch.dataset.category = c.name;
      swatch.dataset.color = c.color;
      legendItem(cats, swatch, c.name, hiddenCategories, "category");
      if (!present.has(c.name)) cats.lastChild.classList.add("muted");
    }
    const rels = document.getElementById("legend-relations");
    for (const r of data.relations) {
      const line = el("span", null, "line");
      line.style.borderTop = Math.max(2, Math.round(r.width)) + (r.line === "double" ? 3 : 0) + "px " + r.line + " " + r.color;
      legendItem(rels, line, r.name, hiddenRelations, "relation");
    }
  }

  function stats() {
    return {
      models: data.nodes.length,
      edges: data.edges.length,
      drawnModels: cy.nodes(".model").length,
      drawnEdges: cy.edges().not(".to-group").length,
      groups: cy.nodes(".group").length,
      findings: data.findings.length,
    };
  }

  function updateStats() {
    const s = stats();
    setText(
      document.getElementById("stats"),
      s.models + " models, " + s.edges + " edges; drawn: " + s.drawnModels + " models" + (s.groups ? ", " + s.groups + " folded groups (click to expand)" : "")
    );
  }

  // ----- events -----
  cy.on("tap", "node.group", (evt) => expand(evt.target.id()));
  cy.on("tap", "node.model", (evt) => showNode(evt.target.id()));
  document.getElementById("search-form").addEventListener("submit", (evt) => {
    evt.preventDefault();
    search(document.getElementById("search").value);
  });

  setText(document.getElementById("title"), data.title);
  renderLegend();
  renderFindings();
  if (data.focus) reveal(data.focus);
  runLayout(true);
  updateStats();

  window.graphscView = {
    ready: true,
    readyMs: performance.now(),
    cy,
    data,
    expand,
    reveal,
    search,
    selectFinding,
    showNode,
    stats,
    groups: () => [...groups.values()].map((g) => ({ id: g.id, parent: g.parent, children: [...g.children], expanded: g.expanded })),
    legend: () => Object.fromEntries(colorOf),
  };
  document.body.dataset.ready = "true";
})();
