// The reverse question on screen: what can take a node to a level, how likely, and which fallbacks are not real.

import { h, clear, number, enc, wide, durationSeconds, idIfNameShared } from '../dom.js';
import { api } from '../api.js';
import { problemView } from './problem.js';

/** A share of time as a percentage with the nines that matter: 0.99986 -> "99.986%". */
export function percent(share) {
  if (share === 1) return '100%';
  const digits = Math.min(8, Math.max(2, Math.ceil(-Math.log10(1 - share)) - 1));
  return `${(share * 100).toFixed(digits).replace(/0+$/, '').replace(/\.$/, '')}%`;
}

/** A small probability readably: 0.0005 -> "5.0 × 10⁻⁴"; 0 -> "0". */
export function chance(p) {
  if (p === 0) return '0';
  if (p >= 0.01) return p.toFixed(3);
  const [mantissa, exponent] = p.toExponential(1).split('e');
  const superscript = exponent.replace('-', '⁻').replace(/\d/g, d => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d]);
  return `${mantissa} × 10${superscript}`;
}

/** A factor: "2.99×", "1,999×". */
const times = x => `${x >= 1000 ? number(Math.round(x)) : x.toPrecision(3)}×`;

function downtimeWords(iso) {
  const minutes = Math.floor(durationSeconds(iso) / 60);
  if (minutes === 0) return 'under a minute a year';
  const hours = Math.floor(minutes / 60);
  return `${hours ? `${number(hours)} h ` : ''}${minutes % 60} min a year`;
}

/** The node page's resilience section: level picker, figures, cut sets, importance and false fallbacks. */
export function resilienceSection(graph, id, first) {
  const base = `/graphs/${enc(graph)}`;
  const body = h('div', { 'aria-live': 'polite' });
  const level = h('select', { id: 'resilience-level' }, ['down', 'degraded', 'at-risk'].map(l => h('option', { value: l, selected: l === first.level }, l)));
  const link = nodeId => h('a', { href: `${base}/nodes/${enc(nodeId)}` }, nodeId);

  const draw = answer => clear(body,
    h('div', { class: 'counts', role: 'list', 'aria-label': 'Resilience figures' },
      [['Availability', percent(answer.availability)], ['Downtime to expect', downtimeWords(answer.downtimePerYear)],
        ['Single points of failure', String(answer.cutSets.filter(c => c.nodes.length === 1).length - 1)],
        ['False fallbacks', String(answer.falseFallbacks.length)]]
        .map(([label, value]) => h('div', { class: 'count total', role: 'listitem' }, h('span', { class: 'count-value' }, value), h('span', { class: 'count-label' }, label)))),
    h('p', { class: 'muted small' }, answer.method === 'exact'
      ? 'Exact, from the availabilities of the suppliers upstream (their SLAs); nodes without one never fail on their own here.'
      : `Estimated by sampling (95% interval ${chance(answer.interval95[0])} to ${chance(answer.interval95[1])}): the exact method was too large for this node.`),
    answer.falseFallbacks.length === 0 ? h('p', {}, 'No false fallback upstream: no single failure of something else defeats a group of alternatives.') :
      h('div', { class: 'problem' }, h('p', { class: 'problem-title' }, '⚠ Fallbacks on paper only'),
        h('ul', {}, answer.falseFallbacks.map(f => h('li', { class: 'false-fallback' },
          link(f.node), ` needs ${f.need} of ${f.group} (`, f.members.map((m, i) => [i ? ', ' : '', link(m)]), '), but ',
          f.defeatedBy.map((d, i) => [i ? ' or ' : '', link(d)]), ' alone takes out too many of them.')))),
    h('h3', {}, `What takes it ${answer.level === 'at-risk' ? 'to at-risk' : answer.level} (minimal cut sets up to ${answer.maxOrder} nodes)`),
    wide(h('table', { class: 'grid cut-sets' },
      h('caption', { class: 'sr-only' }, 'Minimal cut sets: sets of nodes whose joint failure is enough'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Nodes failing together'), h('th', { scope: 'col', class: 'num' }, 'Size'), h('th', { scope: 'col', class: 'num' }, 'Probability'))),
      h('tbody', {}, answer.cutSets.map(c => h('tr', {},
        h('td', {}, c.nodes.map((n, i) => [i ? ' + ' : '', link(n)])), h('td', { class: 'num' }, c.nodes.length), h('td', { class: 'num' }, chance(c.probability))))))),
    answer.cutSetsTruncated ? h('p', { class: 'muted' }, 'More cut sets exist than are listed.') : null,
    answer.importance.length === 0 ? null : [
      h('h3', {}, 'Whose availability matters most'),
      wide(h('table', { class: 'grid importance' },
        h('caption', { class: 'sr-only' }, 'Importance of each supplier availability: Birnbaum, criticality, risk achievement and reduction worth'),
        h('thead', {}, h('tr', {}, ['Node', 'Birnbaum', 'Criticality', 'Risk if it fails (RAW)', 'Gain if perfect (RRW)']
          .map((label, i) => h('th', { scope: 'col', class: i ? 'num' : null }, label)))),
        h('tbody', {}, answer.importance.slice(0, 10).map(i => h('tr', {},
          h('th', { scope: 'row' }, link(i.node)), h('td', { class: 'num' }, i.birnbaum.toPrecision(3)), h('td', { class: 'num' }, i.criticality.toPrecision(3)),
          h('td', { class: 'num' }, times(i.raw)), h('td', { class: 'num' }, i.rrw === undefined ? '∞' : times(i.rrw)))))))]);

  level.addEventListener('change', async () => {
    body.setAttribute('aria-busy', 'true');
    try {
      draw(await api(`${base}/nodes/${enc(id)}/resilience?level=${enc(level.value)}`));
    } catch (e) {
      clear(body, problemView(e));
    } finally {
      body.removeAttribute('aria-busy');
    }
  });
  draw(first);
  return h('section', { 'aria-labelledby': 'resilience-title' },
    h('h2', { id: 'resilience-title' }, 'Resilience: what can take it down, and how likely'),
    h('div', { class: 'inline-form' }, h('label', { for: 'resilience-level' }, 'Level'), level),
    body);
}

/** The graph page's ranking: the nodes most likely to be hit, with why. */
export function weakestTable(graph, ranked) {
  const base = `/graphs/${enc(graph)}`;
  return ranked.items.length === 0 ? h('p', {}, 'No customers in this graph.') : wide(h('table', { class: 'grid weakest' },
    h('caption', { class: 'sr-only' }, 'Customers by unavailability, the weakest first'),
    h('thead', {}, h('tr', {}, ['Customer', 'Availability', 'Single points of failure', 'False fallbacks'].map((label, i) => h('th', { scope: 'col', class: i ? 'num' : null }, label)))),
    h('tbody', {}, ranked.items.map(w => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `${base}/nodes/${enc(w.node)}` }, w.name), idIfNameShared(ranked.items, w, w.node)),
      h('td', { class: 'num' }, percent(w.availability)), h('td', { class: 'num' }, number(w.singlePoints)),
      h('td', { class: 'num' }, w.falseFallbacks ? `⚠ ${number(w.falseFallbacks)}` : '0'))))));
}
