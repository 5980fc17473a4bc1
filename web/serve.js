// web/serve.js — the drsim serve page: controls for the scenario's parameters
// (GET api/scenario), a run on every change (POST api/run, streamed progress;
// a newer change aborts the request in flight and the server stops that run),
// verdicts, P(meet) with intervals and the paired change against the baseline,
// RTO/RPO CDFs, "copy as command", "save run" and "download report".
// Inlined into the page at build time; no library, nothing fetched elsewhere.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  scenario: null,
  params: [],          // from the server
  values: new Map(),   // path -> text now in the control
  inflight: null,      // AbortController of the request in flight
  timer: 0,
  runs: 0,             // results shown
  last: null,          // last result
};

// ---------------------------------------------------------------- formats

// A duration drsim reads back (units s, m, h, d): 90 -> "1m30s".
function durText(s) {
  if (!(s >= 0)) return String(s);
  if (s < 10) return (Math.round(s * 10) / 10) + 's';
  if (s < 120) return Math.round(s) + 's';
  let step = s < 7200 ? 60 : s < 172800 ? 300 : 3600;
  let r = Math.max(step, Math.round(s / step) * step);
  const d = Math.floor(r / 86400); r -= d * 86400;
  const h = Math.floor(r / 3600); r -= h * 3600;
  const m = Math.floor(r / 60); r -= m * 60;
  return (d ? d + 'd' : '') + (h ? h + 'h' : '') + (m ? m + 'm' : '') + (r ? r + 's' : '') || '0s';
}

// A duration for reading: "2h 48m", "57m 46s", "1d 10h", "∞".
function human(s) {
  if (s === 'inf' || s === Infinity) return '∞';
  if (s === null || s === undefined || Number.isNaN(s)) return '–';
  if (s < 60) return (s < 10 ? s.toFixed(1) : Math.round(s)) + 's';
  const two = (big, bu, rest, su) => rest ? big + bu + ' ' + String(rest).padStart(2, '0') + su : big + bu;
  s = Math.round(s);
  if (s < 3600) return two(Math.floor(s / 60), 'm', s % 60, 's');
  if (s < 86400) { const m = Math.round(s / 60); return two(Math.floor(m / 60), 'h', m % 60, 'm'); }
  const h = Math.round(s / 3600); return two(Math.floor(h / 24), 'd', h % 24, 'h');
}

const pct = (x) => (x === null || x === undefined) ? '–' : (100 * x).toFixed(1) + ' %';
const pts = (x) => (x === null || x === undefined) ? '–' : (x >= 0 ? '+' : '') + (100 * x).toFixed(1);

function numText(p, v) {
  if (p.kind === 'duration') return durText(v);
  if (p.kind === 'count') return String(Math.round(v));
  if (p.kind === 'probability') return String(Math.round(v * 1000) / 1000);
  return String(Number(v.toPrecision(3)));
}

// Shell-quote as the server does (cli_serve_lab_command).
function shq(s) {
  return /^[A-Za-z0-9._\-+%=/:,@]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
}

// ---------------------------------------------------------------- controls

function logScale(p) { return p.kind !== 'count' && p.kind !== 'probability' && p.min > 0 && p.max > p.min; }
function toSlider(p, v) {
  const t = logScale(p) ? Math.log(v / p.min) / Math.log(p.max / p.min) : (v - p.min) / ((p.max - p.min) || 1);
  return Math.round(1000 * Math.min(1, Math.max(0, t)));
}
function fromSlider(p, k) {
  const t = k / 1000;
  return logScale(p) ? p.min * Math.pow(p.max / p.min, t) : p.min + t * (p.max - p.min);
}

function overrides() {
  const o = {};
  for (const p of state.params) {
    const v = state.values.get(p.path);
    if (v !== p.text) o[p.path] = v;
  }
  return o;
}

function buildControls() {
  const groups = new Map();
  for (const p of state.params) {
    if (!groups.has(p.group)) groups.set(p.group, new Map());
    const owners = groups.get(p.group);
    if (!owners.has(p.owner)) owners.set(p.owner, []);
    owners.get(p.owner).push(p);
  }
  const root = $('groups');
  root.textContent = '';
  const envOrder = state.scenario.environments.map((e) => e.name).concat(['shared']);
  const names = [...groups.keys()].sort((a, b) => envOrder.indexOf(a) - envOrder.indexOf(b));
  for (const g of names) {
    const det = document.createElement('details');
    det.className = 'group';
    det.open = g === envOrder[0];
    det.dataset.group = g;
    const sum = document.createElement('summary');
    sum.textContent = g === 'shared' ? 'shared components and disaster' : 'environment ' + g;
    det.appendChild(sum);
    for (const [owner, list] of groups.get(g)) {
      const box = document.createElement('div');
      box.className = 'owner-box';
      const h = document.createElement('div');
      h.className = 'owner';
      h.textContent = owner;
      box.appendChild(h);
      for (const p of list) box.appendChild(makeControl(p));
      det.appendChild(box);
    }
    root.appendChild(det);
  }
}

function makeControl(p) {
  const row = document.createElement('div');
  row.className = 'param' + (p.used ? '' : ' unused');
  row.dataset.path = p.path;
  const label = document.createElement('label');
  label.textContent = p.label;
  label.title = p.path + (p.used ? '' : ' (ignored by the model in this scenario)');
  const range = document.createElement('input');
  range.type = 'range';
  range.min = 0; range.max = 1000; range.step = 1;
  if (p.kind === 'count') { range.min = p.min; range.max = p.max; range.step = 1; }
  range.setAttribute('aria-label', p.path);
  const text = document.createElement('input');
  text.type = 'text';
  text.setAttribute('aria-label', p.path + ' value');
  const undo = document.createElement('button');
  undo.type = 'button'; undo.className = 'undo'; undo.textContent = '↺';
  undo.title = 'back to ' + p.text;
  const err = document.createElement('div');
  err.className = 'error';
  row.append(label, range, text, undo, err);
  const show = (t) => {
    state.values.set(p.path, t);
    text.value = t;
    const v = parseValue(p, t);
    if (v !== null) range.value = p.kind === 'count' ? Math.round(v) : toSlider(p, v);
    row.classList.toggle('changed', t !== p.text);
    row.classList.remove('invalid');
    err.textContent = '';
  };
  row._show = show;
  show(p.text);
  range.addEventListener('input', () => {
    const v = p.kind === 'count' ? Number(range.value) : fromSlider(p, Number(range.value));
    const t = numText(p, v);
    show(t);
    range.value = p.kind === 'count' ? v : range.value;   // keep the thumb where it was put
    schedule(60);
  });
  text.addEventListener('change', () => { show(text.value.trim()); schedule(0); });
  undo.addEventListener('click', () => { show(p.text); schedule(0); });
  return row;
}

// The number of a value as typed, or null when it is not plain.
function parseValue(p, t) {
  if (p.kind === 'duration') {
    const re = /(\d+(?:\.\d+)?)\s*([smhdwy])/g;
    let m, s = 0, used = 0;
    const mult = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
    while ((m = re.exec(t))) { s += Number(m[1]) * mult[m[2]]; used += m[0].length; }
    if (used === t.replace(/\s/g, '').length && used) return s;
    return Number.isFinite(Number(t)) ? Number(t) : null;
  }
  if (t.endsWith('%')) { const v = Number(t.slice(0, -1)); return Number.isFinite(v) ? v / 100 : null; }
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

function filterControls() {
  const q = $('search').value.trim().toLowerCase();
  for (const det of document.querySelectorAll('details.group')) {
    let any = false;
    for (const box of det.querySelectorAll('.owner-box')) {
      let boxAny = false;
      for (const row of box.querySelectorAll('.param')) {
        const hit = !q || row.dataset.path.toLowerCase().includes(q) ||
                    box.querySelector('.owner').textContent.toLowerCase().includes(q);
        row.hidden = !hit;
        boxAny = boxAny || hit;
      }
      box.hidden = !boxAny;
      any = any || boxAny;
    }
    det.hidden = !any;
    if (q && any) det.open = true;
  }
}

// ---------------------------------------------------------------- requests

function body(extra) {
  return JSON.stringify(Object.assign({
    overrides: overrides(),
    trials: Number($('trials').value),
    seed: Number($('seed').value),
  }, extra || {}));
}

function command() {
  let c = 'drsim run ' + shq(state.scenario.path) + ' --seed ' + Number($('seed').value) +
          ' --trials ' + Number($('trials').value);
  for (const [k, v] of Object.entries(overrides())) c += ' --set ' + shq(k + '=' + v);
  return c;
}

function setState(s, msg) {
  document.body.dataset.state = s;
  if (msg !== undefined) $('status').textContent = msg;
}

// A control moved: cancel what is in flight at once, run after a short pause.
function schedule(ms) {
  $('command').textContent = command();
  if (state.inflight) { state.inflight.abort(); state.inflight = null; }
  clearTimeout(state.timer);
  state.timer = setTimeout(run, ms);
}

function showErrors(e) {
  let placed = false;
  for (const it of (e.errors || [])) {
    const row = it.param && document.querySelector('.param[data-path="' + CSS.escape(it.param) + '"]');
    if (row) {
      row.classList.add('invalid');
      row.querySelector('.error').textContent = it.message;
      row.closest('details').open = true;
      placed = true;
    }
  }
  const g = $('global-error');
  g.hidden = placed;
  g.textContent = placed ? '' : (e.error || 'the request failed');
  setState('error', placed ? 'a value is not valid: see the control marked in red' : 'error: ' + (e.error || ''));
}

async function run() {
  const ctl = new AbortController();
  state.inflight = ctl;
  const trials = Number($('trials').value);
  setState('running', 'running ' + trials.toLocaleString('en') + ' trials…');
  $('progress').value = 0;
  const t0 = performance.now();
  try {
    const res = await fetch('api/run', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: body({ stream: true }), signal: ctl.signal,
    });
    if (!res.ok) { showErrors(await res.json()); return; }
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line) continue;
        const msg = JSON.parse(line);
        if (msg.progress) $('progress').value = msg.progress.total ? msg.progress.done / msg.progress.total : 0;
        else if (msg.result) show(msg.result, performance.now() - t0);
        else if (msg.error) { if (msg.status !== 499) showErrors(msg); }
      }
    }
  } catch (err) {
    if (err.name !== 'AbortError') showErrors({ error: 'the server did not answer: ' + err.message });
  } finally {
    if (state.inflight === ctl) state.inflight = null;
  }
}

// ---------------------------------------------------------------- results

function show(r, ms) {
  state.last = r;
  state.runs++;
  $('global-error').hidden = true;
  for (const row of document.querySelectorAll('.param.invalid')) {
    row.classList.remove('invalid');
    row.querySelector('.error').textContent = '';
  }
  $('progress').value = 1;
  const cached = r.elapsed_ms.baseline === 0;
  setState('idle', r.trials.toLocaleString('en') + ' trials, seed ' + r.seed + ': ' + Math.round(ms) +
           ' ms in the browser (' + Math.round(r.elapsed_ms.current) + ' ms simulating' +
           (cached ? ', baseline cached' : ', baseline ' + Math.round(r.elapsed_ms.baseline) + ' ms') + ')');
  document.body.dataset.runs = String(state.runs);
  const verdicts = $('verdicts');
  verdicts.textContent = '';
  const charts = $('charts');
  charts.textContent = '';
  for (const env of r.environments) {
    const card = document.createElement('div');
    card.className = 'card';
    card.dataset.env = env.name;
    const h = document.createElement('h2');
    h.textContent = env.name;
    const badge = document.createElement('span');
    badge.className = 'badge ' + env.verdict;
    badge.dataset.verdict = env.verdict;
    badge.textContent = env.verdict === 'meets' ? 'meets its objectives'
      : env.verdict === 'inconclusive' ? 'inconclusive: run more trials' : 'misses an objective';
    badge.title = 'meets: the trials show (one-sided ' + pct(r.meet_confidence) +
      ' confidence) that every objective is met in at least ' + pct(r.meet_share) + ' of disasters';
    h.appendChild(badge);
    card.appendChild(h);
    for (const m of env.metrics) {
      card.appendChild(metricBlock(env, m));
      charts.appendChild(chart(env, m));
    }
    verdicts.appendChild(card);
  }
}

function metricBlock(env, m) {
  const d = document.createElement('div');
  d.className = 'metric';
  const c = m.current, b = m.baseline, ch = m.change;
  const name = m.metric.toUpperCase();
  const obj = m.objective === null ? 'no objective' : '≤ ' + human(m.objective);
  const span = (cls, text) => { const s = document.createElement('span'); s.className = cls; s.textContent = text; return s; };
  const head = document.createElement('div');
  head.append(span('', name + ' ' + obj + ': P(meet) '));
  const pm = span('pmeet', pct(c.p_meet.est));
  pm.dataset.env = env.name;
  pm.dataset.metric = m.metric;
  pm.dataset.pMeet = c.p_meet.est === null ? '' : String(c.p_meet.est);
  head.append(pm, span('ci', ' [' + pct(c.p_meet.lo) + ', ' + pct(c.p_meet.hi) + ']'));
  const line2 = document.createElement('div');
  line2.className = 'small';
  let cls = 'flat';
  if (ch.est !== null && ch.lo > 0) cls = 'up';
  else if (ch.est !== null && ch.hi < 0) cls = 'down';
  const change = span('change ' + cls, ch.est === null ? 'no change measurable'
    : pts(ch.est) + ' pts [' + pts(ch.lo) + ', ' + pts(ch.hi) + ']');
  change.dataset.change = ch.est === null ? '' : String(ch.est);
  line2.append(span('muted', 'baseline ' + pct(b.p_meet.est) + ', change '), change,
               span('muted', ' (' + ch.better + ' trials better, ' + ch.worse + ' worse)'));
  const line3 = document.createElement('div');
  line3.className = 'small muted';
  line3.textContent = 'p50 ' + human(c.p50.est) + ', p95 ' + human(c.p95.est) + ', p99 ' + human(c.p99.est) +
    ' (baseline ' + human(b.p50.est) + ', ' + human(b.p95.est) + ', ' + human(b.p99.est) + ')' +
    (c.not_recovered ? '; ' + c.not_recovered + ' not recovered' : '');
  d.append(head, line2, line3);
  return d;
}

const SVGNS = 'http://www.w3.org/2000/svg';
function el(name, attrs, text) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function chart(env, m) {
  const W = 420, H = 210, L = 38, R = 12, T = 22, B = 28;
  const box = document.createElement('div');
  box.className = 'chart';
  box.dataset.env = env.name;
  box.dataset.metric = m.metric;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
                          'aria-label': env.name + ' ' + m.metric + ' CDF' });
  const cur = m.current.cdf, base = m.baseline.cdf;
  let xmax = 1;
  for (const p of cur.concat(base)) xmax = Math.max(xmax, p[0]);
  if (m.objective !== null) xmax = Math.max(xmax, m.objective * 1.1);
  const x = (v) => L + (W - L - R) * v / xmax;
  const y = (p) => T + (H - T - B) * (1 - p);
  svg.appendChild(el('text', { x: L, y: 14, 'font-weight': 600 }, env.name + ' ' + m.metric.toUpperCase() + ' — share of trials ' +
                     (m.metric === 'rto' ? 'recovered within x' : 'losing at most x of data')));
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    svg.appendChild(el('line', { class: 'grid', x1: L, x2: W - R, y1: y(p), y2: y(p) }));
    svg.appendChild(el('text', { x: L - 4, y: y(p) + 3, 'text-anchor': 'end' }, Math.round(p * 100) + '%'));
  }
  for (let i = 0; i <= 4; i++) {
    const v = xmax * i / 4;
    svg.appendChild(el('text', { x: x(v), y: H - B + 14, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle' },
                       i === 0 ? '0' : human(v)));
  }
  svg.appendChild(el('line', { class: 'axis', x1: L, x2: W - R, y1: y(0), y2: y(0) }));
  svg.appendChild(el('line', { class: 'axis', x1: L, x2: L, y1: y(0), y2: y(1) }));
  const path = (pts) => {
    if (!pts.length) return '';
    let d = `M${x(pts[0][0]).toFixed(1)},${y(0).toFixed(1)}`;
    for (const p of pts) d += `L${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`;
    return d;
  };
  svg.appendChild(el('path', { class: 'base', d: path(base) }));
  svg.appendChild(el('path', { class: 'cur', d: path(cur) }));
  if (m.objective !== null) {
    svg.appendChild(el('line', { class: 'obj', x1: x(m.objective), x2: x(m.objective), y1: y(0), y2: y(1) }));
    svg.appendChild(el('text', { x: x(m.objective) + 3, y: T + 10, fill: '#b42318' }, 'objective ' + human(m.objective)));
  }
  box.appendChild(svg);
  return box;
}

// ---------------------------------------------------------------- buttons

async function post(path, extra) {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body(extra) });
  return res;
}

function notice(t) { $('notice').textContent = t; }

async function copyCommand() {
  const c = command();
  try {
    await navigator.clipboard.writeText(c);
    notice('copied');
  } catch (e) {
    const r = document.createRange();
    r.selectNodeContents($('command'));
    const s = getSelection(); s.removeAllRanges(); s.addRange(r);
    notice('selected: press Ctrl-C to copy');
  }
}

async function saveRun() {
  notice('saving…');
  const res = await post('api/save');
  const j = await res.json();
  if (!res.ok) { showErrors(j); notice(''); return; }
  notice('saved as run ' + j.run_id + ' in ' + j.db + ' — ' + j.report_command);
}

async function downloadReport() {
  notice('building the report…');
  const res = await post('api/report');
  if (!res.ok) { showErrors(await res.json()); notice(''); return; }
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = (state.scenario.name || 'drsim') + '-report.html';
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  notice('report downloaded');
}

// ---------------------------------------------------------------- start

async function start() {
  let sc;
  try {
    const res = await fetch('api/scenario');
    sc = await res.json();
  } catch (e) {
    setState('error', 'cannot load the scenario: ' + e.message);
    return;
  }
  state.scenario = sc;
  state.params = sc.parameters;
  $('scenario-name').textContent = sc.name;
  document.title = 'drsim — ' + sc.name;
  const sel = $('trials');
  for (const n of [1000, 10000, 50000, 100000, 200000, 1000000]) {
    if (n > sc.max_trials) continue;
    const o = document.createElement('option');
    o.value = n; o.textContent = n.toLocaleString('en');
    sel.appendChild(o);
  }
  if (![...sel.options].some((o) => Number(o.value) === sc.trials)) {
    const o = document.createElement('option');
    o.value = sc.trials; o.textContent = sc.trials.toLocaleString('en');
    sel.appendChild(o);
  }
  sel.value = String(sc.trials);
  $('seed').value = sc.seed;
  $('save').disabled = !sc.can_save;
  buildControls();
  $('search').addEventListener('input', filterControls);
  sel.addEventListener('change', () => schedule(0));
  $('seed').addEventListener('change', () => schedule(0));
  $('reset').addEventListener('click', () => {
    for (const row of document.querySelectorAll('.param')) {
      const p = state.params.find((q) => q.path === row.dataset.path);
      row._show(p.text);
    }
    schedule(0);
  });
  $('copy').addEventListener('click', copyCommand);
  $('save').addEventListener('click', saveRun);
  $('report').addEventListener('click', downloadReport);
  schedule(0);
}

start();
