"""The dashboard's script and style, inlined into the page: it must work from a file, offline,
with no request to any host. Plain DOM and SVG, no library."""

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
header{background:#1d3557;color:#fff;padding:12px 20px}header h1{margin:0;font-size:20px}
nav{display:flex;gap:12px;align-items:center;flex-wrap:wrap;margin-top:6px}
select{font:inherit;padding:2px 4px}section{background:#fff;margin:14px 20px;padding:12px 16px;
border-radius:6px;box-shadow:0 1px 3px #0002}h2{margin:4px 0 10px;font-size:17px}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{border-bottom:1px solid #e3e7ec;
padding:3px 6px;text-align:right}th:first-child,td:first-child{text-align:left}
.pass{color:#17823b;font-weight:600}.fail,.alert{color:#c0392b;font-weight:600}.warn{color:#b9770e}
.cards{display:flex;gap:10px;flex-wrap:wrap}.card{background:#eef3f8;border-radius:6px;padding:8px 12px}
.card b{display:block;font-size:18px}.grid{display:grid;grid-template-columns:repeat(auto-fill,
minmax(260px,1fr));gap:10px}.series{border:1px solid #e3e7ec;border-radius:6px;padding:6px}
.series h3{font-size:12px;margin:0 0 4px}.scroll{max-height:420px;overflow:auto}#errors:empty{display:none}
"""

SCRIPT = r"""
const DATA = JSON.parse(document.getElementById('data').textContent);
const $ = (sel) => document.querySelector(sel);
const fmt = (v, digits = 4) => (v === null || v === undefined) ? 'n/a' : Number(v).toFixed(digits);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
const td = (v, key, digits = 4) => `<td${key ? ` data-key="${key}"` : ''}>${typeof v === 'number' ? fmt(v, digits) : esc(v ?? 'n/a')}</td>`;
const seg = (s) => { const [region, format, velocity] = s.split('/'); return {region, format, velocity}; };
const attrs = (s) => { const p = seg(s); return `data-region="${p.region}" data-format="${p.format}" data-velocity="${p.velocity}"`; };

function table(head, rows) {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function renderRun() {
  const run = DATA.run, res = DATA.monitoring.resources || {stages: {}};
  const v = run.validation || {};
  $('#run').innerHTML = `<h2>The run</h2><div class="cards">
    <div class="card">model version<b data-key="run.model_versions">${esc(run.model_versions.join(', '))}</b></div>
    <div class="card">data version<b data-key="run.data_versions">${esc(run.data_versions.join(', '))}</b></div>
    <div class="card">validation<b class="${v.passed ? 'pass' : 'fail'}">${v.passed ? 'passed' : 'failed'}</b>${esc(v.rows_in)} &rarr; ${esc(v.rows_out)} rows, ${esc(v.warnings)} warning(s)</div>
    <div class="card">scoring latency p50 / p95<b data-key="monitoring.resources.score_latency">${res.score_latency ? fmt(res.score_latency.p50_s) + ' / ' + fmt(res.score_latency.p95_s) + ' s' : 'n/a'}</b></div></div>` +
    table(['stage', 'outputs (md5)', 'wall s', 'CPU s', 'peak MiB'], run.stages.map((s) => {
      const r = res.stages[s.stage] || {};
      return `<tr><td>${esc(s.stage)}</td><td>${esc(Object.entries(s.outs).map(([p, h]) => p + ' ' + h).join('; ') || '-')}</td>${td(r.wall_s, '', 2)}${td(r.cpu_s, '', 2)}${td(r.peak_rss_mb, '', 0)}</tr>`;
    }));
}

function renderTraining() {
  const versions = DATA.training.versions;
  const pick = $('#version'), chosen = versions[pick.selectedIndex] || versions[0];
  const o = chosen.overall || {};
  const cols = ['mape', 'wape', 'bias', 'rmse_0', 'rmse_all', 'mase', 'baseline_mape', 'baseline_wape'];
  $('#training-body').innerHTML = `<div class="cards">
    <div class="card">overall MAPE<b data-key="metrics.overall.mape">${fmt(o.mape)}</b>baseline ${fmt(o.baseline_mape)}</div>
    <div class="card">overall WAPE<b data-key="metrics.overall.wape">${fmt(o.wape)}</b>baseline ${fmt(o.baseline_wape)}</div>
    <div class="card">segments passing the gate<b data-key="metrics.overall.segments_passed">${esc(o.segments_passed)}</b>of ${esc(o.segments_total)}</div></div>` +
    `<div class="scroll">` + table(['segment', ...cols, 'gate'], Object.entries(chosen.segments).map(([s, m]) =>
      `<tr class="filterable" data-segment="${s}" ${attrs(s)}><td>${s}</td>${cols.map((c) => td(m[c], c)).join('')}<td class="${m.gate && m.gate.passed ? 'pass' : 'fail'}">${esc(m.gate ? m.gate.reason : 'n/a')}</td></tr>`)) + `</div>`;
  applyFilters();
}

function lineChart(series, width, height) {
  const pts = series.flatMap((s) => s.points), xs = [...new Set(pts.map((p) => p[0]))].sort();
  const ys = pts.flatMap((p) => p.slice(1)).filter((y) => y !== null);
  if (!xs.length || !ys.length) return '<p>no data yet</p>';
  const top = Math.max(...ys, 1e-9) * 1.05, x = (d) => 30 + (width - 40) * (xs.length > 1 ? xs.indexOf(d) / (xs.length - 1) : 0.5);
  const y = (v) => height - 18 - (height - 28) * v / top;
  const paths = series.map((s) => {
    const band = s.band ? `<polygon fill="${s.color}" opacity="0.18" points="${s.points.map((p) => `${x(p[0])},${y(p[2])}`).concat(s.points.slice().reverse().map((p) => `${x(p[0])},${y(p[3])}`)).join(' ')}"/>` : '';
    return band + `<polyline fill="none" stroke="${s.color}" stroke-width="1.6" ${s.dash ? 'stroke-dasharray="4 3"' : ''} points="${s.points.map((p) => `${x(p[0])},${y(p[1])}`).join(' ')}"><title>${esc(s.name)}</title></polyline>`;
  }).join('');
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img"><text x="2" y="10" font-size="9">${fmt(top)}</text><text x="2" y="${height - 4}" font-size="9">${esc(xs[0])}</text><text x="${width - 60}" y="${height - 4}" font-size="9">${esc(xs[xs.length - 1])}</text>${paths}</svg>`;
}

function renderMonitoring() {
  const m = DATA.monitoring, s = m.summary;
  const alerts = table(['level', 'kind', 'segment', 'figure', 'value', 'threshold', 'message'], m.alerts.map((a) =>
    `<tr class="${a.segment ? 'filterable' : ''}" ${a.segment ? attrs(a.segment) : ''}><td class="${a.level}">${a.level}</td><td>${a.kind}</td><td>${esc(a.segment || '-')}</td><td>${esc(a.figure)}</td>${td(a.value, 'value')}${td(a.threshold)}<td style="text-align:left">${esc(a.message)}</td></tr>`));
  const drift = table(['feature', 'PSI', 'KS D', 'KS p', "Cramer's V", 'new share'], Object.entries(m.drift.features).map(([f, d]) =>
    `<tr data-feature="${f}"><td>${f}</td>${td(d.psi, 'psi')}${td(d.ks, 'ks')}${td(d.ks_p)}${td(d.cramers_v)}${td(d.new_share)}</tr>`));
  const segDrift = table(['segment', ...Object.keys(Object.values(m.drift.segments)[0] || {}).map((f) => 'PSI ' + f)], Object.entries(m.drift.segments).map(([sg, fs]) =>
    `<tr class="filterable" ${attrs(sg)}><td>${sg}</td>${Object.values(fs).map((d) => td(d.psi ?? d.skipped)).join('')}</tr>`));
  const weeks = {}; m.accuracy.weekly.forEach((w) => { (weeks[w.model_version] = weeks[w.model_version] || {}); (weeks[w.model_version][w.week_start] = weeks[w.model_version][w.week_start] || []).push(w); });
  const median = (a) => { const b = a.filter((v) => v !== null).sort((p, q) => p - q); return b.length ? b[Math.floor((b.length - 1) / 2)] : null; };
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const legend = Object.keys(weeks).map((v, i) => `<span style="color:${colors[i % 4]}">&#9632; ${esc(v)}</span> `).join('');
  const chart = lineChart(Object.entries(weeks).flatMap(([v, byWeek], i) => [
    {name: v + ' WAPE', color: colors[i % 4], points: Object.entries(byWeek).map(([w, rows]) => [w, median(rows.map((r) => r.wape))])},
    {name: v + ' baseline WAPE', color: colors[i % 4], dash: true, points: Object.entries(byWeek).map(([w, rows]) => [w, median(rows.map((r) => r.baseline_wape))])}]), 640, 180);
  const acc = table(['segment', 'weeks', 'MAPE', 'WAPE', 'bias', 'RMSE-0', 'RMSE-all', 'baseline MAPE', 'gate'], Object.entries(m.accuracy.segments).map(([sg, b]) =>
    `<tr class="filterable" data-segment="${sg}" ${attrs(sg)}><td>${sg}</td>${td(b.weeks, '', 0)}${td(b.mape, 'mape')}${td(b.wape, 'wape')}${td(b.bias)}${td(b.rmse_0)}${td(b.rmse_all)}${td(b.baseline_mape)}<td class="${b.gate.passed ? 'pass' : 'fail'}">${esc(b.gate.reason)}</td></tr>`));
  const stale = table(['model version', 'trained on', 'age (days)', 'stale'], m.stale.models.map((r) =>
    `<tr><td>${esc(r.model_version)}</td><td>${esc(r.trained_on ?? 'unknown')}</td>${td(r.age_days, '', 0)}<td class="${r.stale ? 'fail' : 'pass'}">${r.stale ? 'stale' : 'fresh'}</td></tr>`));
  $('#monitoring').innerHTML = `<h2>Monitoring</h2><div class="cards">
    <div class="card">alerts<b data-key="monitoring.summary.alerts" class="${s.worst || ''}">${s.alerts}</b>worst: ${esc(s.worst || 'none')}</div>
    <div class="card">forecasts matched with actuals<b data-key="monitoring.accuracy.matched_rows">${m.accuracy.matched_rows}</b></div>
    <div class="card">current weeks<b>${esc(m.drift.window.current_weeks.join(' .. '))}</b>vs ${esc(m.drift.window.reference)} training weeks</div></div>
    <h3>Alerts</h3><div class="scroll">${alerts}</div><h3>Accuracy on actuals over time (median WAPE over segments; dashed: baseline)</h3>${legend}${chart}<div class="scroll">${acc}</div>
    <h3>Stale models (scoring date ${esc(m.stale.scoring_date)})</h3>${stale}<h3>Drift per feature</h3>${drift}<h3>Drift per segment</h3><div class="scroll">${segDrift}</div>`;
}

function renderForecasts() {
  $('#series').innerHTML = DATA.forecasts.map((f) => `<div class="series filterable" data-region="${f.region}" data-format="${f.format}" data-velocity="${f.velocity}">
    <h3>${esc(f.store_id)} &times; ${esc(f.product_id)} <small>${f.region}/${f.format}/${f.velocity}</small></h3>${lineChart([
      {name: 'actual', color: '#1d3557', points: f.history.map((h) => [h[0], h[1]])},
      {name: 'forecast (P10-P90 band)', color: '#e76f51', band: true, points: f.forecast}], 260, 110)}</div>`).join('');
}

function applyFilters() {
  const want = {region: $('#f-region').value, format: $('#f-format').value, velocity: $('#f-velocity').value};
  document.querySelectorAll('.filterable').forEach((el) => {
    el.hidden = Object.entries(want).some(([k, v]) => v !== 'all' && el.dataset[k] !== v);
  });
  const shown = [...document.querySelectorAll('#series .series')].filter((el) => !el.hidden).length;
  $('#shown').textContent = `${shown} of ${DATA.forecasts.length} series`;
  location.hash = new URLSearchParams(Object.entries(want).filter(([, v]) => v !== 'all')).toString();
}

function setupFilters() {
  const values = (k) => [...new Set(DATA.forecasts.map((f) => f[k]).concat(Object.keys(DATA.monitoring.drift.segments).map((s) => seg(s)[k])))].sort();
  const initial = new URLSearchParams(location.hash.slice(1));
  for (const k of ['region', 'format', 'velocity']) {
    const sel = $('#f-' + k);
    sel.innerHTML = ['all', ...values(k)].map((v) => `<option>${esc(v)}</option>`).join('');
    sel.value = values(k).includes(initial.get(k)) ? initial.get(k) : 'all';
    sel.addEventListener('change', applyFilters);
  }
  const pick = $('#version');
  pick.innerHTML = DATA.training.versions.map((v) => `<option>${esc(v.version)}</option>`).join('');
  pick.addEventListener('change', renderTraining);
}

setupFilters(); renderRun(); renderMonitoring(); renderForecasts(); renderTraining();
document.body.dataset.ready = 'true';
"""

ERRORS = r"""
const ERRORS = [];
const note = (m) => { ERRORS.push(String(m)); document.getElementById('errors').textContent = ERRORS.join('\n'); };
window.addEventListener('error', (e) => note(e.message));
document.addEventListener('securitypolicyviolation', (e) => note('blocked request: ' + e.blockedURI));
const consoleError = console.error; console.error = (...a) => { note(a.join(' ')); consoleError(...a); };
"""
