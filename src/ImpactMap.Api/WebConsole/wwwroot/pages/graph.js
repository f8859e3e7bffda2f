import { h, wide, clear, number, enc, idIfNameShared } from '../dom.js';
import { api } from '../api.js';
import { weakestTable } from '../views/resilience.js';

/** "/graphs/{graph}": find nodes, the most critical ones, and the cycles. */
export async function graphPage({ main, graph, query, signal, navigate }) {
  document.title = `${graph} · ImpactMap`;
  const base = `/graphs/${enc(graph)}`;
  const search = h('input', { id: 'node-search', type: 'search', name: 'search', value: query.get('search') ?? '', autocomplete: 'off' });
  // The graph's own kinds (a Backstage catalog brings api and resource), most common first.
  const kind = h('select', { id: 'node-kind', name: 'kind' }, h('option', { value: '' }, 'Any kind'));
  const results = h('div', { 'aria-live': 'polite' });
  const critical = h('div', {});
  const weakest = h('div', {});
  const cycles = h('div', {});
  clear(main, h('h1', { tabindex: '-1' }, graph), h('p', { class: 'loading' }, 'Loading the graph…'));

  const nodeQuery = new URLSearchParams({ limit: '50' });
  if (query.get('search')) nodeQuery.set('search', query.get('search'));
  if (query.get('kind')) nodeQuery.set('kind', query.get('kind'));

  const showNodes = async cursor => {
    if (cursor) nodeQuery.set('cursor', cursor);
    const page = await api(`${base}/nodes?${nodeQuery}`, { signal });
    const rows = page.items.map(n => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `${base}/nodes/${enc(n.id)}` }, n.name)),
      h('td', {}, h('code', {}, n.id)), h('td', {}, n.kind),
      h('td', {}, h('a', { href: `${base}/impact?outage=${enc(n.id)}` }, 'What if this fails'))));
    let table = results.querySelector('tbody');
    if (!table) {
      clear(results, page.items.length === 0 ? h('p', {}, 'No node matches.') : wide(h('table', { class: 'grid' },
        h('caption', { class: 'sr-only' }, 'Matching nodes'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Id'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Outage'))),
        h('tbody', {}))));
      table = results.querySelector('tbody');
    }
    table?.append(...rows);
    results.querySelector('.more')?.remove();
    if (page.nextCursor) results.append(h('button', { type: 'button', class: 'more', onclick: () => showNodes(page.nextCursor) }, 'More nodes'));
  };

  // Everything first, then one drawing: the page never moves under the reader while parts arrive.
  await Promise.all([
    showNodes(),
    api(`${base}/kinds`, { signal }).then(kinds => kind.append(...kinds.map(k =>
      h('option', { value: k.kind, selected: query.get('kind') === k.kind }, `${k.kind} (${number(k.nodes)})`)))),
    api(`/graphs/${enc(graph)}/resilience?kind=customer&top=10`, { signal }).then(ranked => clear(weakest, weakestTable(graph, ranked))),
    api(`/graphs/${enc(graph)}/criticality?top=20`, { signal }).then(answer => clear(critical, answer.nodes.length === 0 ? h('p', {}, 'The graph has no nodes.') : wide(h('table', { class: 'grid' },
      h('caption', { class: 'sr-only' }, 'The 20 nodes whose failure alone takes down the most'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Node'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col', class: 'num' }, 'Down if it fails'),
        h('th', { scope: 'col', class: 'num' }, 'Customers down'), h('th', { scope: 'col' }, 'Outage'))),
      h('tbody', {}, answer.nodes.map(n => h('tr', {},
        h('th', { scope: 'row' }, h('a', { href: `${base}/nodes/${enc(n.id)}` }, n.name), idIfNameShared(answer.nodes, n, n.id)),
        h('td', {}, n.kind), h('td', { class: 'num' }, number(n.down)), h('td', { class: 'num' }, number(n.customersDown)),
        h('td', {}, h('a', { href: `${base}/impact?outage=${enc(n.id)}` }, 'What if this fails'))))))))),
    api(`/graphs/${enc(graph)}/cycles`, { signal }).then(answer => clear(cycles, answer.cycles.length === 0
      ? h('p', {}, 'None: no node depends on itself, however indirectly.')
      : h('ol', {}, answer.cycles.map(cycle => h('li', {}, cycle.map((id, i) => [i ? ' → ' : '', h('a', { href: `${base}/nodes/${enc(id)}` }, id)])))))),
  ]);
  clear(main,
    h('h1', { tabindex: '-1' }, graph),
    h('section', { 'aria-labelledby': 'find-title' },
      h('h2', { id: 'find-title' }, 'Find a node'),
      h('form', {
        class: 'inline-form', role: 'search',
        onsubmit: event => {
          event.preventDefault();
          const q = [];
          if (search.value.trim()) q.push(['search', search.value.trim()]);
          if (kind.value) q.push(['kind', kind.value]);
          navigate(`${base}${q.length ? `?${new URLSearchParams(q)}` : ''}`, { replace: true });
        },
      },
      h('label', { for: 'node-search' }, 'Id or name'), search,
      h('label', { for: 'node-kind' }, 'Kind'), kind,
      h('button', { type: 'submit' }, 'Search')),
      results),
    h('section', { 'aria-labelledby': 'critical-title' },
      h('h2', { id: 'critical-title' }, 'Most critical: what takes down the most if it alone fails'),
      critical),
    h('section', { 'aria-labelledby': 'weakest-title' },
      h('h2', { id: 'weakest-title' }, 'Weakest customers: the least available, from the suppliers\' SLAs'), weakest),
    h('section', { 'aria-labelledby': 'cycles-title' }, h('h2', { id: 'cycles-title' }, 'Dependency cycles'), cycles));
}
