#!/usr/bin/env python3
"""check-diagram.py — check a `drsim diagram` SVG against its scenario, and
(with --overlaps) that no two text boxes overlap once Chromium renders it.

  check-diagram.py DIAGRAM.svg SCENARIO.yaml [--environment ENV] [--figures]
  check-diagram.py --overlaps PAGE.html [--chromium /usr/bin/chromium]

Structure (parsed with xml.etree; the expected names come from the scenario
read with PyYAML): every component, standby pool and workflow step of the
shown environments appears exactly once (ids component:NAME, pool:NAME,
step:ENV/NAME); the primary region's cluster lies left of every standby
region's; the shared services' band lies above both; each replication has
exactly one green arrow (id replication:NAME) from its component to a node
inside its target region's cluster; each manual step is a diamond; colours
and line styles follow the guideline table (reports/diagram.h). With
--figures, the simulated figures of a run are on the steps and milestones.

--overlaps loads the page in headless Chromium with a small script that
measures every <text> of the diagram (getBoundingClientRect) and fails when
two of them overlap by more than 2 px in both directions (consecutive lines of one label touch by about 1 px: font ascent and descent).

Exit status 0 when every check passes, 1 otherwise (each failure printed).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"

# The colour table of reports/diagram.h (stroke, fill).
BLUE, BLUE_FILL = "#1f5fbf", "#d6e4fa"
LIGHTBLUE, LIGHTBLUE_FILL = "#5aa9e6", "#eef6fd"
GREEN, GREEN_FILL = "#2e8b3e", "#e2f3e4"
RED = "#d62728"
YELLOW, YELLOW_FILL = "#d4a800", "#fff4c2"
PURPLE, PURPLE_FILL = "#7b3fb5", "#ece1f7"
ORANGE, ORANGE_FILL = "#e67e00", "#fde3c8"
DOTTED, DASHED = "1,5", "5,2"   # Graphviz's stroke-dasharray for dotted, dashed

failures = []


def fail(msg):
    failures.append(msg)
    print("check-diagram: " + msg, file=sys.stderr)


def numbers(s):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", s or "")]


def shape_points(g):
    """All coordinates of a node's or cluster's outline (first shape)."""
    for el in g:
        tag = el.tag.replace(SVG, "")
        if tag == "polygon":
            v = numbers(el.get("points"))
            return list(zip(v[0::2], v[1::2])), el
        if tag == "path":
            v = numbers(re.sub(r"[A-Za-z]", " ", el.get("d", "")))
            return list(zip(v[0::2], v[1::2])), el
        if tag == "ellipse":
            cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
            return [(cx - rx, cy - ry), (cx + rx, cy + ry)], el
    return [], None


def bbox(points):
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def classes(g):
    return set((g.get("class") or "").split())


def is_diamond(points):
    """Graphviz draws a diamond as 4 corners (plus the closing one, plus
    the outer ring for peripheries): top, left/right, bottom at the
    middle of the sides, no two corners sharing both an x and a y side."""
    pts = points[:4]
    if len(pts) < 4:
        return False
    x0, y0, x1, y1 = bbox(pts)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    tol = 1.0
    on_mid_x = sum(1 for x, y in pts if abs(x - cx) < tol)
    on_mid_y = sum(1 for x, y in pts if abs(y - cy) < tol)
    return on_mid_x == 2 and on_mid_y == 2


def load_svg(path):
    root = ET.parse(path).getroot()
    nodes, edges, clusters = {}, {}, {}
    for g in root.iter(SVG + "g"):
        c = classes(g)
        gid = g.get("id", "")
        if "node" in c:
            nodes.setdefault(gid, []).append(g)
        elif "edge" in c:
            edges.setdefault(gid, []).append(g)
        elif "cluster" in c:
            clusters[gid] = g
    return root, nodes, edges, clusters


def first(el, tag):
    for x in el:
        if x.tag == SVG + tag:
            return x
    return None


def check_structure(svg_path, scenario_path, environment, figures):
    import yaml
    with open(scenario_path) as f:
        sc = yaml.safe_load(f)
    root, nodes, edges, clusters = load_svg(svg_path)
    envs = list((sc.get("objectives") or {}).keys())
    shown = [environment] if environment else envs

    def env_shown(item):
        e = item.get("environment")
        return e is None or e in shown

    comps = [c for c in sc.get("components") or [] if env_shown(c)]
    pools = [p for p in sc.get("standby") or [] if env_shown(p)]
    flows = [w for w in sc.get("workflows") or [] if w["environment"] in shown]
    regions = sc["regions"]
    primary = [r["name"] for r in regions if r["role"] == "primary"][0]

    # --- every component, pool and step exactly once
    expected = ["component:" + c["name"] for c in comps]
    expected += ["pool:" + p["name"] for p in pools]
    for w in flows:
        expected += ["step:%s/%s" % (w["environment"], s["name"]) for s in w["steps"]]
    for key in expected:
        n = len(nodes.get(key, []))
        if n != 1:
            fail("%s appears %d times, want exactly once" % (key, n))
    for key in nodes:
        if key.startswith(("component:", "pool:", "step:")) and key not in expected:
            fail("%s is drawn but is not in the scenario (or not shown)" % key)

    def node_box(key):
        pts, _ = shape_points(nodes[key][0])
        return bbox(pts) if pts else None

    def cluster_box(key):
        pts, _ = shape_points(clusters[key]) if key in clusters else ([], None)
        return bbox(pts) if pts else None

    # --- regions: primary left of every standby, shared band above both
    pbox = cluster_box("region:" + primary)
    if not pbox:
        fail("no cluster region:%s for the primary region" % primary)
        return
    standby_boxes = {}
    for r in regions:
        if r["role"] == "standby" and "region:" + r["name"] in clusters:
            standby_boxes[r["name"]] = cluster_box("region:" + r["name"])
    if not standby_boxes:
        fail("no standby region drawn")
    for name, b in standby_boxes.items():
        if not (pbox[0] < b[0] and (pbox[0] + pbox[2]) / 2 < (b[0] + b[2]) / 2):
            fail("primary region %s (x %.0f-%.0f) is not left of standby region %s (x %.0f-%.0f)"
                 % (primary, pbox[0], pbox[2], name, b[0], b[2]))
    shared = [c for c in comps if c.get("environment") is None]
    if shared:
        gbox = cluster_box("global")
        if not gbox:
            fail("shared components but no 'global' cluster")
        else:
            for name, b in [(primary, pbox)] + list(standby_boxes.items()):
                if not gbox[3] < b[1]:
                    fail("shared services (bottom y %.0f) are not above region %s (top y %.0f)"
                         % (gbox[3], name, b[1]))
            for c in shared:
                nb = node_box("component:" + c["name"])
                if nb and not (gbox[0] <= nb[0] and nb[2] <= gbox[2] and gbox[1] <= nb[1] and nb[3] <= gbox[3]):
                    fail("shared component %s is not inside the shared band" % c["name"])
    elif "global" in clusters:
        fail("no shared component, yet a 'global' cluster is drawn")

    # --- replication: one green arrow from the component into its target region
    first_standby = [r["name"] for r in regions if r["role"] == "standby"][0]
    for c in comps:
        mode = (c.get("replication") or {}).get("mode", "none")
        key = "replication:" + c["name"]
        if mode == "none":
            if key in edges:
                fail("%s has no replication but a replication arrow" % c["name"])
            continue
        es = edges.get(key, [])
        if len(es) != 1:
            fail("replication of %s: %d arrows, want 1" % (c["name"], len(es)))
            continue
        e = es[0]
        title = first(e, "title").text or ""
        tail, _, head = title.partition("->")
        if tail != "component:" + c["name"]:
            fail("replication arrow of %s starts at %s" % (c["name"], tail))
        target = c["replication"].get("to", first_standby)
        tb = cluster_box("region:" + target)
        hb = node_box(head) if head in nodes else None
        if not tb or not hb or not (tb[0] <= hb[0] and hb[2] <= tb[2] and tb[1] <= hb[1] and hb[3] <= tb[3]):
            fail("replication arrow of %s ends at %s, not inside region %s" % (c["name"], head, target))
        path = first(e, "path")
        if path is None or path.get("stroke") != GREEN:
            fail("replication arrow of %s is not green (%s)" % (c["name"], path is not None and path.get("stroke")))
        if first(e, "polygon") is None:
            fail("replication arrow of %s has no arrowhead" % c["name"])
        if "mode-" + mode not in classes(e):
            fail("replication arrow of %s does not say its mode %s" % (c["name"], mode))
        label = " ".join(t.text or "" for t in e.iter(SVG + "text"))
        want = {"sync": "sync", "async": "lag", "periodic": "backup every"}[mode]
        if want not in label:
            fail("replication arrow of %s: label %r lacks %r" % (c["name"], label, want))

    # --- failovers: red arrows, labelled automatic / manual: step N
    for c in comps:
        fo = c.get("failover")
        key = "failover:" + c["name"]
        if not fo:
            if key in edges:
                fail("%s has no failover but a failover arrow" % c["name"])
            continue
        es = edges.get(key, [])
        if len(es) != 1:
            fail("failover of %s: %d arrows, want 1" % (c["name"], len(es)))
            continue
        e = es[0]
        path = first(e, "path")
        if path is None or path.get("stroke") != RED:
            fail("failover arrow of %s is not red" % c["name"])
        label = " ".join(t.text or "" for t in e.iter(SVG + "text"))
        want = "manual: " if "by" in fo else "automatic"
        if want not in label:
            fail("failover arrow of %s: label %r lacks %r" % (c["name"], label, want))
        if "by" in fo and not re.search(r"step \d+", label):
            fail("failover arrow of %s does not name the step number: %r" % (c["name"], label))

    # --- colours and line styles of the boxes
    def style(key):
        _, el = shape_points(nodes[key][0])
        return (el.get("stroke"), el.get("fill"), el.get("stroke-dasharray")) if el is not None else (None, None, None)

    for key, gs in nodes.items():
        c = classes(gs[0])
        stroke, fill, dash = style(key)
        if "component" in c:
            if dash:
                fail("%s: an active service must be solid, has dasharray %s" % (key, dash))
            kinds = {"kind-network": (PURPLE, PURPLE_FILL), "kind-dns": (PURPLE, PURPLE_FILL),
                     "kind-monitoring": (YELLOW, YELLOW_FILL)}
            want = next((v for k, v in kinds.items() if k in c), None)
            if want is None:
                region_of = next((x["region"] for x in comps if "component:" + x["name"] == key), None)
                want = (BLUE, BLUE_FILL) if region_of == primary or "shared" in c else (LIGHTBLUE, LIGHTBLUE_FILL)
            if (stroke, fill) != want:
                fail("%s: colours %s/%s, want %s/%s" % (key, stroke, fill, *want))
        elif "replica" in c:
            if (stroke, fill, dash) != (GREEN, GREEN_FILL, DOTTED):
                fail("%s: a replica must be green and dotted, is %s/%s/%s" % (key, stroke, fill, dash))
        elif "pool" in c or "standby-service" in c:
            if dash != DASHED:
                fail("%s: a standby service must be dashed, has %s" % (key, dash))
            if stroke not in (LIGHTBLUE, PURPLE, YELLOW):
                fail("%s: a standby service must be light blue (or its kind's colour), is %s" % (key, stroke))
        elif "detection" in c:
            if (stroke, fill) != (YELLOW, YELLOW_FILL):
                fail("%s: detection must be yellow, is %s/%s" % (key, stroke, fill))
        elif "step" in c:
            if stroke != ORANGE:
                fail("%s: a recovery step must be orange, is %s" % (key, stroke))
            if "automated" in c and fill != ORANGE_FILL:
                fail("%s: an automated step must be filled orange, is %s" % (key, fill))
    for key, es in edges.items():
        c = classes(es[0])
        path = first(es[0], "path")
        stroke = path.get("stroke") if path is not None else None
        want = {"depends": BLUE, "needs": ORANGE, "alert": YELLOW}
        for k, v in want.items():
            if k in c and stroke != v:
                fail("%s: a %s arrow must be %s, is %s" % (key, k, v, stroke))
    for key, g in clusters.items():
        c = classes(g)
        _, el = shape_points(g)
        if el is None:
            continue
        if "primary" in c and el.get("stroke") != BLUE:
            fail("%s: the primary region must be outlined blue" % key)
        if "standby" in c and (el.get("stroke") != LIGHTBLUE or el.get("stroke-dasharray") != DASHED):
            fail("%s: a standby region must be outlined light blue, dashed" % key)

    # --- steps: manual ones are diamonds; every step numbered; milestones
    for w in flows:
        env = w["environment"]
        numbers_seen = []
        for s in w["steps"]:
            key = "step:%s/%s" % (env, s["name"])
            if key not in nodes:
                continue
            pts, _ = shape_points(nodes[key][0])
            if s.get("manual") and not is_diamond(pts):
                fail("%s is manual but not a diamond" % key)
            texts = [t.text or "" for t in nodes[key][0].iter(SVG + "text")]
            m = re.match(r"(\d+)\s", texts[0] if texts else "")
            if not m:
                fail("%s is not numbered: %r" % (key, texts[:1]))
            else:
                numbers_seen.append(int(m.group(1)))
            if figures and not any("sim p50" in t or "sim mean" in t for t in texts):
                fail("%s lacks its simulated duration" % key)
            if figures and not any("critical in" in t for t in texts):
                fail("%s lacks its criticality" % key)
        if sorted(numbers_seen) != list(range(1, len(w["steps"]) + 1)):
            fail("steps of %s are not numbered 1..%d: %s" % (env, len(w["steps"]), sorted(numbers_seen)))
        for m in ("rto", "rpo"):
            key = "%s:%s" % (m, env)
            if len(nodes.get(key, [])) != 1:
                fail("milestone %s missing" % key)
            elif figures:
                texts = " ".join(t.text or "" for t in nodes[key][0].iter(SVG + "text"))
                if "sim p50" not in texts or "p95" not in texts:
                    fail("milestone %s lacks the simulated p50/p95: %r" % (key, texts))
        if "detection:" + env not in nodes:
            fail("detection of %s missing" % env)

    # --- self-contained: generic fonts, nothing fetched
    for t in root.iter(SVG + "text"):
        fam = t.get("font-family", "")
        if fam not in ("sans-serif", "serif", "monospace"):
            fail("text %r uses font-family %r, not a generic family" % (t.text, fam))
            break
    raw = open(svg_path).read()
    if re.search(r'(href|src)\s*=\s*"(https?:)?//', raw):
        fail("the SVG references an external resource")


OVERLAP_SCRIPT = """
<script>
window.addEventListener('load', function () {
  var out = [];
  document.querySelectorAll('svg.diagram text').forEach(function (t) {
    var r = t.getBoundingClientRect();
    if (r.width > 0 && r.height > 0)
      out.push([t.textContent, r.left, r.top, r.right, r.bottom]);
  });
  var pre = document.createElement('pre');
  pre.id = 'drsim-text-boxes';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def check_overlaps(page, chromium):
    html = open(page, encoding="utf-8").read()
    if 'class="chart diagram"' not in html:
        fail("%s holds no diagram" % page)
        return
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "probe.html")
        with open(probe, "w", encoding="utf-8") as f:
            f.write(html.replace("</body>", OVERLAP_SCRIPT + "</body>"))
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                 "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
                 "--user-data-dir=" + os.path.join(tmp, "profile"),
                 "--window-size=1280,3000", "--virtual-time-budget=5000", "--dump-dom",
                 "file://" + probe]
        r = subprocess.run([chromium] + flags, capture_output=True, text=True, timeout=180)
        m = re.search(r'<pre id="drsim-text-boxes">(.*?)</pre>', r.stdout, re.S)
        if not m:
            fail("Chromium did not report the text boxes (exit %d)" % r.returncode)
            return
        import html as htmlmod
        boxes = json.loads(htmlmod.unescape(m.group(1)))
    if not boxes:
        fail("no text measured in the diagram")
        return
    n_over = 0
    for i in range(len(boxes)):
        a = boxes[i]
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            dx = min(a[3], b[3]) - max(a[1], b[1])
            dy = min(a[4], b[4]) - max(a[2], b[2])
            if dx > 2.0 and dy > 2.0:
                n_over += 1
                if n_over <= 10:
                    fail("text boxes overlap by %.1f x %.1f px: %r and %r" % (dx, dy, a[0], b[0]))
    print("check-diagram: %d text boxes measured, %d overlapping pairs" % (len(boxes), n_over),
          file=sys.stderr)


def main(argv):
    if len(argv) >= 2 and argv[1] == "--overlaps":
        chromium = "/usr/bin/chromium"
        if "--chromium" in argv:
            chromium = argv[argv.index("--chromium") + 1]
        check_overlaps(argv[2], chromium)
    elif len(argv) >= 3:
        env = argv[argv.index("--environment") + 1] if "--environment" in argv else None
        check_structure(argv[1], argv[2], env, "--figures" in argv)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
