// One blast radius on screen: counts, origins, the picture, the chain of the selected node, and the table.
// The impact page and the incident page both show a radius this way.

import { h, clear, number, enc, stateBadge, stateLabel, afterWords, when, nextTask } from '../dom.js';
import { chainOf, chainWords } from './chain.js';
import { drawPicture } from './picture.js';
import { affectedTable } from './table.js';
import { problemView } from './problem.js';

function countsView(radius) {
  const customers = radius.affected.filter(n => n.kind === 'customer').length;
  const card = (cls, label, value) => h('div', { class: `count ${cls}` }, h('span', { class: 'count-value' }, number(value)), h('span', { class: 'count-label' }, label));
  // An incident whose clock runs: the state cards count who is hit now; who is only expected is counted apart.
  const running = radius.expected !== undefined;
  const now = running ? ' now' : '';
  const expected = running ? radius.expected.down + radius.expected.degraded + radius.expected.atRisk : 0;
  return h('div', { class: 'counts', role: 'list', 'aria-label': 'Counts by state' },
    [card('state-down', `■ Down${now}`, radius.counts.down), card('state-degraded', `◆ Degraded${now}`, radius.counts.degraded),
      card('state-at-risk', `▲ At risk${now}`, radius.counts.atRisk),
      running ? card('expected', 'Hit if not restored', expected) : card('total', 'Affected in all', radius.total),
      radius.sparedByDuration ? card('spared', 'Spared by the duration', radius.sparedByDuration) : null,
      card('customers', 'Customers among them', customers)].filter(Boolean).map(c => { c.setAttribute('role', 'listitem'); return c; }));
}

/**
 * Renders a radius ({origins, affected (all of them), counts, total}) into host. base is the graph's console path;
 * pathOf(id) resolves to a node's exact chain (ids, origin first).
 */
export async function showRadius(host, radius, { base, fileName, pathOf }) {
  // Large radii are prepared in pieces, each its own task, and shown in one go: the page keeps answering input
  // and nothing moves while it fills.
  await nextTask();
  const byId = new Map();
  for (const n of radius.origins) byId.set(n.id, n);
  for (const n of radius.affected) byId.set(n.id, n);
  const expanded = new Set();
  let selection = { id: null, chain: [] };

  const pictureHost = h('div', { class: 'picture-host' });
  const explain = h('div', { class: 'explain', 'aria-live': 'polite', id: 'explain' },
    h('p', { class: 'muted' }, 'Select a node in the picture or the table to see why it is hit.'));
  await nextTask();
  const table = await affectedTable(radius, { base, fileName, onSelect: select });

  function redraw() {
    drawPicture(pictureHost, radius, {
      selection, expanded, onSelect: select,
      onToggle: key => { if (expanded.has(key)) expanded.delete(key); else expanded.add(key); redraw(); focusKey(key); },
    });
  }

  // Redrawing replaces the group the keyboard was on; put focus back on it.
  const focusKey = key => [...pictureHost.querySelectorAll('.pgroup')].find(g => g.dataset.key === key)?.focus();

  // The exact chain comes from the API (pathOf): following each node's via rebuilds most chains, but not one
  // whose node worsened after it passed its first hit on.
  let asked = 0;
  async function select(id) {
    const node = byId.get(id);
    if (!node) return;
    const ticket = ++asked;
    explain.setAttribute('aria-busy', 'true');
    let path;
    try {
      path = node.depth === 0 ? [id] : await pathOf(id);
    } catch (e) {
      if (ticket === asked) clear(explain, problemView(e));
      return;
    } finally {
      if (ticket === asked) explain.removeAttribute('aria-busy');
    }
    if (ticket !== asked || !path) return;
    selection = { id, chain: chainOf(path, byId) };
    clear(explain,
      h('h3', {}, node.name, ' ', stateBadge(node.state)),
      h('p', { class: 'chain-words' }, chainWords(selection.chain)),
      h('p', {}, node.depth === 0 ? 'Origin of the outage.'
        : node.hit === false ? `Not hit yet: ${stateLabel(node.state)} from ${when(node.impactFrom)} unless service is restored first (${afterWords(node.impactAt)}), at depth ${node.depth}.`
        : `Hit ${afterWords(node.impactAt)} (impactAt ${node.impactAt}), at depth ${node.depth}.`),
      h('p', {}, h('a', { href: `${base}/nodes/${enc(node.id)}` }, 'Node page'), ' · ', h('a', { href: `${base}/impact?outage=${enc(node.id)}` }, 'What if this fails')));
    table.select(id);
    redraw();
  }

  redraw();
  await nextTask();
  clear(host,
    countsView(radius),
    h('section', { 'aria-labelledby': 'origins-title' }, h('h2', { id: 'origins-title' }, 'Origins'),
      h('ul', { class: 'plain origins' }, radius.origins.map(o => h('li', {},
        h('button', { type: 'button', class: 'link', onclick: () => select(o.id) }, o.name), ' ', stateBadge(o.state))))),
    h('section', { 'aria-labelledby': 'picture-title' }, h('h2', { id: 'picture-title' }, 'Who is hit, by depth'), pictureHost, explain),
    h('section', { 'aria-labelledby': 'table-title' }, h('h2', { id: 'table-title' }, 'Every affected node'), table.element));
  table.draw();
  performance.mark('impactmap:radius-shown', { detail: radius.total });
  return { select };
}
