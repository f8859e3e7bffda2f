import { h, wide, clear, number, enc } from '../dom.js';
import { api } from '../api.js';

/** "/": every graph the key may see. */
export async function graphsPage({ main, signal }) {
  document.title = 'Graphs · ImpactMap';
  const list = h('div', { class: 'reserve' }, h('p', { class: 'loading' }, 'Loading graphs…'));
  clear(main, h('h1', { tabindex: '-1' }, 'Graphs'), list);
  const graphs = await api('/graphs', { signal });
  if (graphs.length === 0) {
    clear(list, h('p', {}, 'No graphs yet. Put one with ', h('code', {}, 'PUT /v1/graphs/{graph}'), ' (see ', h('a', { href: '/docs' }, 'the API'), ').'));
    return;
  }
  clear(list, wide(h('table', { class: 'grid' },
    h('caption', { class: 'sr-only' }, 'Graphs with their size and version'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Graph'), h('th', { scope: 'col', class: 'num' }, 'Nodes'),
      h('th', { scope: 'col', class: 'num' }, 'Dependencies'), h('th', { scope: 'col', class: 'num' }, 'Version'), h('th', { scope: 'col' }, 'Go to'))),
    h('tbody', {}, graphs.map(g => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `/graphs/${enc(g.name)}` }, g.name)),
      h('td', { class: 'num' }, number(g.nodes)),
      h('td', { class: 'num' }, number(g.dependencies)),
      h('td', { class: 'num' }, g.version),
      h('td', {}, h('a', { href: `/graphs/${enc(g.name)}/impact` }, 'Blast radius'), ' · ',
        h('a', { href: `/graphs/${enc(g.name)}/incidents` }, 'Incidents'))))))));
}
