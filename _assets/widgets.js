/* The book's widgets on the website, without a kernel (tools/site/sphinx_ext/widget_pages.py).
 *
 * Every setting of every widget was drawn in advance by the notebook's own draw function
 * (tools/site/widget_frames.py): _widgets/<id>/<i>-<j>-....webp, one frame per allowed setting, and
 * _widgets/<id>/index.json, which says for each setting whether it has a frame or the plain
 * message of a refusal. This script puts the notebook's controls (same labels, values and
 * default) above the still picture and swaps the picture as they move. Frames load when asked
 * for; once the reader reaches for a control, the neighbours of the current setting are
 * fetched too, so the next step shows at once. Native inputs: mouse, touch and keyboard work.
 */
(function () {
  "use strict";

  // The Chinese edition (<html lang="zh-CN">) says it in Chinese; the model's reason stays as
  // the notebook printed it.
  var notValid = (document.documentElement.lang || "").indexOf("zh") === 0
    ? "不是有效的设置：" : "Not a valid setting: ";

  function setUp(root) {
    var spec = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
    var base = root.getAttribute("data-frames");
    var figure = root.previousElementSibling;
    var img = figure && figure.querySelector("img");
    if (!img) return;
    var controls = spec.controls;
    var positions = controls.map(function (c) {
      return Math.max(0, c.values.indexOf(c.default));
    });
    var index = null;
    var frames = {};
    var engaged = false;
    var requestedAt = null;

    function key(pos) { return pos.join("-"); }
    function combination(pos) {
      var n = 0;
      for (var i = 0; i < controls.length; i++) n = n * controls[i].values.length + pos[i];
      return n;
    }
    function readout(c, i) {
      var text = c.labels[i];
      return c.kind === "range" && c.unit && c.label.indexOf("(" + c.unit + ")") < 0
        ? text + " " + c.unit : text;
    }
    function describe(pos) {
      return controls.map(function (c, i) {
        return (c.label || c.name) + " " + readout(c, pos[i]);
      }).join(", ");
    }
    function frame(k) {
      if (!frames[k]) {
        var picture = new Image();
        picture.src = base + k + ".webp";
        frames[k] = picture;
      }
      return frames[k];
    }
    function prefetchNeighbours() {
      if (!index || !engaged) return;
      controls.forEach(function (c, i) {
        [-1, 1].forEach(function (d) {
          var p = positions.slice();
          p[i] += d;
          if (p[i] < 0 || p[i] >= c.values.length) return;
          if (index.status[combination(p)] === 0) frame(key(p));
        });
      });
    }

    var panel = document.createElement("div");
    panel.className = "streamlab-controls";
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", "Widget controls");
    var message = document.createElement("p");
    message.className = "streamlab-widget-message";
    message.setAttribute("role", "status");
    message.hidden = true;

    function show() {
      root.setAttribute("data-setting", key(positions));
      if (!index) return; // the still stays until the index has arrived
      var k = key(positions);
      var status = index.status[combination(positions)];
      if (status !== 0) {
        message.textContent = notValid + index.messages[status - 1];
        message.style.minHeight = img.hidden ? message.style.minHeight : img.height + "px";
        img.hidden = true;
        message.hidden = false;
        figure.setAttribute("data-shown", k);
        measured();
        prefetchNeighbours();
        return;
      }
      var picture = frame(k);
      var apply = function () {
        if (root.getAttribute("data-setting") !== k) return; // the reader moved on
        img.src = picture.src;
        img.removeAttribute("srcset");
        img.alt = "The widget's picture at " + describe(positions);
        img.hidden = false;
        message.hidden = true;
        figure.setAttribute("data-shown", k);
        measured();
      };
      if (picture.complete && picture.naturalWidth) apply();
      else picture.decode().then(apply, apply);
      prefetchNeighbours();
    }
    function measured() {
      // The time from the reader's move to the frame that shows its picture (for the bench).
      if (requestedAt === null) return;
      var since = requestedAt;
      requestedAt = null;
      requestAnimationFrame(function () {
        root.setAttribute("data-latency-ms", (performance.now() - since).toFixed(1));
      });
    }

    controls.forEach(function (c, i) {
      var row = document.createElement("label");
      row.className = "streamlab-control streamlab-control-" + c.kind;
      var name = document.createElement("span");
      name.className = "streamlab-control-label";
      name.textContent = c.label || c.name;
      var input;
      var out = null;
      if (c.kind === "select") {
        input = document.createElement("select");
        c.labels.forEach(function (label, j) {
          var option = document.createElement("option");
          option.value = String(j);
          option.textContent = label;
          input.appendChild(option);
        });
        input.value = String(positions[i]);
      } else if (c.kind === "checkbox") {
        input = document.createElement("input");
        input.type = "checkbox";
        input.checked = positions[i] === 1;
      } else {
        input = document.createElement("input");
        input.type = "range";
        input.min = "0";
        input.max = String(c.values.length - 1);
        input.step = "1";
        input.value = String(positions[i]);
        input.setAttribute("aria-valuetext", readout(c, positions[i]));
        out = document.createElement("output");
        out.textContent = readout(c, positions[i]);
      }
      input.setAttribute("data-control", c.name);
      var changed = function () {
        var p = c.kind === "checkbox" ? (input.checked ? 1 : 0) : parseInt(input.value, 10);
        if (p === positions[i]) return;
        positions[i] = p;
        if (out) {
          out.textContent = readout(c, p);
          input.setAttribute("aria-valuetext", readout(c, p));
        }
        requestedAt = performance.now();
        engaged = true;
        show();
      };
      input.addEventListener("input", changed);
      input.addEventListener("change", changed);
      if (c.kind === "checkbox") {
        row.appendChild(input);
        row.appendChild(name);
      } else {
        row.appendChild(name);
        row.appendChild(input);
        if (out) row.appendChild(out);
      }
      panel.appendChild(row);
    });
    var engage = function () {
      if (engaged) return;
      engaged = true;
      prefetchNeighbours();
    };
    panel.addEventListener("pointerenter", engage);
    panel.addEventListener("focusin", engage);
    panel.addEventListener("touchstart", engage, { passive: true });

    figure.parentNode.insertBefore(panel, figure);
    img.insertAdjacentElement("afterend", message);
    figure.setAttribute("data-shown", "still");
    var defaultKey = key(positions);
    fetch(base + "index.json")
      .then(function (response) {
        if (!response.ok) throw new Error(base + "index.json: " + response.status);
        return response.json();
      })
      .then(function (loaded) {
        index = loaded;
        root.setAttribute("data-ready", "true");
        if (key(positions) !== defaultKey) show(); // moved before the index arrived
      })
      .catch(function (error) {
        panel.hidden = true; // no frames: the still and its caption remain
        root.setAttribute("data-ready", "failed");
        console.warn("widget frames unavailable:", error);
      });
  }

  function start() {
    document.querySelectorAll(".streamlab-widget[data-frames]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
