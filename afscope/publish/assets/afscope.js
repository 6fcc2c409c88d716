// afscope publish: selection, keys and the sentence detail. Hand-written, no library.
// Data comes from the page's <script type="application/json"> block and is only ever
// put into the page with textContent (never innerHTML): model text stays text.
"use strict";

(function () {
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Every number arrives as text, written in Python by afscope.numbers (the explorer's
  // and the exports' formatter): the page never formats one itself.

  function typing(event) {
    const t = event.target;
    return event.ctrlKey || event.metaKey || event.altKey ||
      (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)));
  }

  function follow(id) {
    const link = document.getElementById(id);
    if (link && link.href) window.location.href = link.href;
  }

  // ---- trace page ---------------------------------------------------------------------
  function tracePage(data) {
    const rows = Array.from(document.querySelectorAll("#sentences .s"));
    const detail = document.getElementById("detail");
    const cursor = document.getElementById("cursor");
    const marks = {};
    document.querySelectorAll("svg .mk[data-pos]").forEach(function (m) {
      marks[m.getAttribute("data-pos")] = m;
    });
    const byIndex = {};
    data.sentences.forEach(function (s, pos) { byIndex[s.i] = pos; });
    let current = -1;

    function table(head, body) {
      const t = el("table");
      const hr = el("tr");
      head.forEach(function (h) { hr.appendChild(el("th", null, h)); });
      const thead = el("thead");
      thead.appendChild(hr);
      t.appendChild(thead);
      const tb = el("tbody");
      body.forEach(function (r) { tb.appendChild(r); });
      t.appendChild(tb);
      return t;
    }

    function row(cells, cls) {
      const tr = el("tr", cls);
      cells.forEach(function (c) {
        const td = el("td", c[1] || null, c[0]);
        tr.appendChild(td);
      });
      return tr;
    }

    function effectList(title, effects) {
      if (!effects.length) return null;
      const p = el("p", null, title + ": ");
      effects.forEach(function (e, k) {
        if (k) p.appendChild(document.createTextNode(", "));
        const pos = byIndex[e.i];
        const label = e.t;
        if (pos === undefined) {
          p.appendChild(document.createTextNode(label));
        } else {
          const a = el("a", null, label);
          a.href = "#s-" + pos;
          p.appendChild(a);
        }
      });
      return p;
    }

    function render(pos) {
      const s = data.sentences[pos];
      const text = rows[pos].querySelector(".tx").textContent;
      detail.replaceChildren();
      const h = el("h3", null, "sentence " + s.i);
      detail.appendChild(h);
      if (s.tags.length) detail.appendChild(el("p", "muted", "tags: " + s.tags.join(", ")));
      detail.appendChild(el("div", "quote", text));
      if (s.rates.length) {
        detail.appendChild(el("p", "muted", "rate before → after (Wilson 95%)"));
        detail.appendChild(table(["outcome", "before", "", "after"], s.rates.map(function (r) {
          return row([[r.o], [r.b, "num"], ["→"], [r.a, "num"]],
            r.o === data.outcome ? "active" : null);
        })));
      }
      if (s.metrics.length) {
        detail.appendChild(table(["", "outcome / metric", "importance [95%] direction", ""],
          s.metrics.map(function (m) {
            const active = m.o === data.outcome && m.m === data.metric;
            const tr = row([
              [m.g, m.w],
              [m.o + " / " + m.m],
              [m.t, "num " + m.w],
              [m.low ? "low evidence" : "", "low"],
            ], active ? "active" : null);
            return tr;
          })));
      }
      if (s.resampled) {
        let line = "resampled here: " + s.resampled + " rollouts";
        if (s.over) line += " - mostly restate this sentence (looks overdetermined)";
        detail.appendChild(el("p", null, line));
        if (s.alts.length) {
          const ul = el("ul");
          s.alts.forEach(function (a) {
            const share = a.s === null ? "" : ", " + data.outcome + " " + a.s;
            const li = el("li");
            li.appendChild(el("span", "muted", a.c + "×" + share + ": "));
            li.appendChild(document.createTextNode(a.t));
            ul.appendChild(li);
          });
          detail.appendChild(ul);
        }
      }
      [effectList("strongest incoming", s.in), effectList("strongest outgoing", s.out)]
        .forEach(function (p) { if (p) detail.appendChild(p); });
    }

    function select(pos, scroll, remember) {
      if (pos < 0 || pos >= rows.length) return;
      if (current >= 0) rows[current].classList.remove("selected");
      current = pos;
      const node = rows[pos];
      node.classList.add("selected");
      const mark = marks[String(pos)];
      if (cursor && mark) {
        const x = parseFloat(mark.getAttribute("x")) + parseFloat(mark.getAttribute("width")) / 2;
        cursor.setAttribute("x1", x.toFixed(1));
        cursor.setAttribute("x2", x.toFixed(1));
        cursor.classList.add("on");
      }
      render(pos);
      if (scroll) node.scrollIntoView({ block: "nearest" });
      if (remember === false) return;  // on opening: a fragment now would scroll on load
      try { history.replaceState(null, "", "#s-" + pos); } catch (e) { /* file:// may refuse */ }
    }

    function nextHigh(step) {
      for (let i = current + step; i >= 0 && i < rows.length; i += step) {
        if (rows[i].classList.contains("hi")) return i;
      }
      return -1;
    }

    function fromHash() {
      const m = /^#s-(\d+)$/.exec(window.location.hash);
      return m ? parseInt(m[1], 10) : -1;
    }

    document.getElementById("sentences").addEventListener("click", function (event) {
      const node = event.target.closest(".s");
      if (node) select(parseInt(node.getAttribute("data-pos"), 10), false);
    });
    document.querySelectorAll("svg.rate-chart").forEach(function (svg) {
      svg.addEventListener("click", function (event) {
        const mark = event.target.closest(".mk");
        if (mark) select(parseInt(mark.getAttribute("data-pos"), 10), true);
      });
    });
    window.addEventListener("hashchange", function () {
      const pos = fromHash();
      if (pos >= 0 && pos !== current) select(pos, true);
    });
    document.addEventListener("keydown", function (event) {
      if (typing(event)) return;
      let target = -1;
      switch (event.key) {
        case "j": case "ArrowDown": target = current + 1; break;
        case "k": case "ArrowUp": target = current - 1; break;
        case "n": target = nextHigh(1); break;
        case "N": target = nextHigh(-1); break;
        case "g": case "Home": target = 0; break;
        case "G": case "End": target = rows.length - 1; break;
        case "[": follow("prev-trace"); return;
        case "]": follow("next-trace"); return;
        case "t": follow("trace-list"); return;
        default: return;
      }
      event.preventDefault();
      if (target >= 0 && target < rows.length) select(target, true);
    });
    const start = fromHash();
    select(start >= 0 && start < rows.length ? start : data.start, start >= 0, false);
  }

  // ---- index page ---------------------------------------------------------------------
  function indexPage() {
    const rows = Array.from(document.querySelectorAll("#trace-rows tr"));
    let current = -1;
    function move(pos) {
      if (pos < 0 || pos >= rows.length) return;
      if (current >= 0) rows[current].classList.remove("current");
      current = pos;
      rows[pos].classList.add("current");
      rows[pos].scrollIntoView({ block: "nearest" });
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event)) return;
      if (event.key === "j" || event.key === "ArrowDown") move(current + 1);
      else if (event.key === "k" || event.key === "ArrowUp") move(Math.max(0, current - 1));
      else if (event.key === "Enter" && current >= 0) {
        const link = rows[current].querySelector("a.trace-link");
        if (link) window.location.href = link.href;
      } else return;
      event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const block = document.getElementById("afscope-data");
    if (block) tracePage(JSON.parse(block.textContent));
    else if (document.getElementById("trace-rows")) indexPage();
  });
})();
