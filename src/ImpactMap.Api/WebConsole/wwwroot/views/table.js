// Every affected node in a table that stays fast at any size: it draws only the rows in view (fixed row height,
// spacers above and below), filters and sorts in memory, and downloads what it shows as CSV.

import { h, clear, number, enc, stateBadge, afterWords, nextTask, durationSeconds, saveFile } from '../dom.js';

const ROW_HEIGHT = 34;
const OVERSCAN = 8;
const STATE_RANK = { down: 0, degraded: 1, 'at-risk': 2 };
const COLUMNS = [
  { key: 'name', label: 'Node', compare: (a, b) => cmp(a.sortName, b.sortName) },
  { key: 'kind', label: 'Kind', compare: (a, b) => cmp(a.kind, b.kind) },
  { key: 'state', label: 'State', compare: (a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] },
  { key: 'depth', label: 'Depth', compare: (a, b) => a.depth - b.depth, numeric: true },
  { key: 'via', label: 'Via', compare: (a, b) => cmp(a.via ?? '', b.via ?? '') },
  { key: 'impactAt', label: 'Hit', compare: (a, b) => a.impactSeconds - b.impactSeconds },
];

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const clock = iso => new Date(iso).toISOString().slice(11, 16);

/** When a node is hit: in an incident, from when to when once it ended, or that it is only expected; else after how long. */
function hitWords(n) {
  if (n.hit === false) return h('span', { class: 'expected-at', title: afterWords(n.impactAt) }, `expected ${clock(n.impactFrom)} UTC`);
  if (n.impactUntil) return `was hit ${clock(n.impactFrom)}–${clock(n.impactUntil)} UTC`;
  return afterWords(n.impactAt);
}

const csvField = value => {
  const text = String(value ?? '');
  // A leading =, +, - or @ would run as a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** Builds the table view; resolves to { element, draw(), select(id), filter() } so the picture and the table select together. */
export async function affectedTable(radius, { base, onSelect, fileName }) {
  const seen = new Map();
  for (const node of radius.affected) {
    node.sortName = node.name.toLowerCase();
    // Few distinct times in an answer: parse each once.
    let at = seen.get(node.impactAt);
    if (at === undefined) seen.set(node.impactAt, at = durationSeconds(node.impactAt));
    node.impactSeconds = at;
  }
  await nextTask();
  const kinds = [...new Set(radius.affected.map(n => n.kind))].sort();
  const depths = [...new Set(radius.affected.map(n => n.depth))].sort((a, b) => a - b);
  let rows = radius.affected;
  let sort = { key: null, ascending: true };
  let selected = null;

  const text = h('input', { id: 'filter-text', type: 'search', autocomplete: 'off', placeholder: 'id or name' });
  const state = h('select', { id: 'filter-state' }, h('option', { value: '' }, 'Any state'),
    ['down', 'degraded', 'at-risk'].map(st => h('option', { value: st }, st)));
  const kind = h('select', { id: 'filter-kind' }, h('option', { value: '' }, 'Any kind'), kinds.map(k => h('option', { value: k }, k)));
  const depth = h('select', { id: 'filter-depth' }, h('option', { value: '' }, 'Any depth'),
    depths.length > 500 ? null : depths.map(d => h('option', { value: String(d) }, String(d))));
  const shown = h('p', { class: 'muted', 'aria-live': 'polite', id: 'table-count' });
  const download = h('button', { type: 'button', onclick: () => downloadCsv() }, 'Download CSV');
  const tbody = h('tbody', {});
  const headers = COLUMNS.map(column => {
    const button = h('button', { type: 'button', class: 'sort', onclick: () => sortBy(column) }, column.label);
    return h('th', { scope: 'col', class: column.numeric ? 'num' : null, 'aria-sort': 'none', dataset: { key: column.key } }, button);
  });
  const scroller = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Affected nodes (scrollable)' },
    h('table', { class: 'grid affected' },
      h('caption', { class: 'sr-only' }, 'Every affected node; sort by a column header'),
      h('thead', {}, h('tr', {}, headers)), tbody));
  scroller.addEventListener('scroll', () => schedule(), { passive: true });

  let scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => { scheduled = false; draw(); });
  }

  function draw() {
    const viewport = scroller.clientHeight || 420;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length, first + Math.ceil(viewport / ROW_HEIGHT) + 2 * OVERSCAN);
    const top = h('tr', { class: 'spacer', 'aria-hidden': 'true' });
    top.style.height = `${first * ROW_HEIGHT}px`;
    const bottom = h('tr', { class: 'spacer', 'aria-hidden': 'true' });
    bottom.style.height = `${(rows.length - last) * ROW_HEIGHT}px`;
    const visible = [];
    for (let i = first; i < last; i++) {
      const n = rows[i];
      const classes = [n.id === selected ? 'selected' : null, n.hit === false ? 'expected' : null].filter(Boolean).join(' ');
      visible.push(h('tr', { class: classes || null, 'aria-rowindex': String(i + 2) },
        h('th', { scope: 'row' },
          h('button', { type: 'button', class: 'link', onclick: () => onSelect(n.id), 'aria-label': `Explain ${n.name}` }, n.name),
          ' ', h('a', { href: `${base}/nodes/${enc(n.id)}`, class: 'muted small', 'aria-label': `${n.id}: the node page of ${n.name}` }, n.id)),
        h('td', {}, n.kind), h('td', {}, stateBadge(n.state)), h('td', { class: 'num' }, n.depth),
        h('td', {}, n.via ?? ''), h('td', {}, hitWords(n))));
    }
    clear(tbody, top, visible, bottom);
  }

  function apply() {
    const words = text.value.trim().toLowerCase();
    const wantState = state.value;
    const wantKind = kind.value;
    const wantDepth = depth.value === '' ? null : Number(depth.value);
    rows = radius.affected.filter(n => (!wantState || n.state === wantState) && (!wantKind || n.kind === wantKind)
      && (wantDepth === null || n.depth === wantDepth) && (!words || n.sortName.includes(words) || n.id.toLowerCase().includes(words)));
    if (sort.key) {
      const column = COLUMNS.find(c => c.key === sort.key);
      rows = rows.slice().sort(sort.ascending ? column.compare : (a, b) => column.compare(b, a));
    }
    shown.textContent = rows.length === radius.affected.length
      ? `${number(rows.length)} affected nodes`
      : `${number(rows.length)} of ${number(radius.affected.length)} affected nodes`;
    download.textContent = `Download CSV (${number(rows.length)} rows)`;
    scroller.scrollTop = 0;
    draw();
  }

  function sortBy(column) {
    sort = { key: column.key, ascending: sort.key === column.key ? !sort.ascending : true };
    for (const th of headers) th.setAttribute('aria-sort', th.dataset.key === sort.key ? (sort.ascending ? 'ascending' : 'descending') : 'none');
    apply();
  }

  function downloadCsv() {
    // An incident's rows say when, and whether the party is hit yet; a what-if's have no moments.
    const timed = radius.affected.some(n => n.impactFrom);
    const lines = [timed ? 'id,name,kind,state,depth,via,impactAt,impactFrom,hit,impactUntil' : 'id,name,kind,state,depth,via,impactAt'];
    for (const n of rows) {
      const fields = [n.id, n.name, n.kind, n.state, n.depth, n.via ?? '', n.impactAt];
      if (timed) fields.push(n.impactFrom ?? '', n.hit === undefined ? '' : String(n.hit), n.impactUntil ?? '');
      lines.push(fields.map(csvField).join(','));
    }
    saveFile(lines.join('\r\n') + '\r\n', 'text/csv', fileName);
  }

  let typing;
  text.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(apply, 150); });
  for (const select of [state, kind, depth]) select.addEventListener('change', apply);

  const element = h('div', { class: 'affected-table' },
    h('div', { class: 'filters' },
      h('label', { for: 'filter-text' }, 'Text'), text,
      h('label', { for: 'filter-state' }, 'State'), state,
      h('label', { for: 'filter-kind' }, 'Kind'), kind,
      h('label', { for: 'filter-depth' }, 'Depth'), depth,
      download),
    shown, scroller);
  // As tall as the whole list when it is short, so a few rows do not sit in an empty box; set once, so filtering never moves the page.
  scroller.style.height = `${Math.min(420, (radius.affected.length + 1) * ROW_HEIGHT + 4)}px`;
  apply();

  return {
    element,
    /** Draws the rows in view; call once the table is in the page, where its box has a height. */
    draw,
    select(id) {
      selected = id;
      draw();
    },
    /** Narrows the table to one depth and kind (from an aggregated group). */
    filter({ depth: d, kind: k }) {
      if (d !== undefined) depth.value = String(d);
      if (k !== undefined) kind.value = k;
      apply();
    },
  };
}
