import { h, wide, clear, number, enc, isolate, stateBadge, afterWords } from '../dom.js';
import { api } from '../api.js';
import { resilienceSection } from '../views/resilience.js';

const LIST_LIMIT = 200;

function dependencyNote(dependency, groups) {
  const notes = [];
  if (dependency.group) {
    const need = groups?.[dependency.group]?.need ?? 1;
    notes.push(`alternative in "${dependency.group}" (needs ${need})`);
  }
  if (dependency.effect === 'degraded') notes.push('degrades only');
  if (dependency.tolerance) notes.push(`holds out ${afterWords(dependency.tolerance).replace('after ', '')}`);
  return notes.join('; ') || 'needed';
}

/** "/graphs/{graph}/nodes/{id}": one node, what it needs, who needs it, and what can take it down. */
export async function nodePage({ main, graph, id, signal }) {
  const base = `/graphs/${enc(graph)}`;
  document.title = `${id} · ${graph} · ImpactMap`;
  clear(main, h('h1', { tabindex: '-1' }, id), h('p', { class: 'loading' }, 'Loading the node…'));
  const [node, from, to, exposed, resilience] = await Promise.all([
    api(`${base}/nodes/${enc(id)}`, { signal }),
    api(`${base}/dependencies?from=${enc(id)}&limit=${LIST_LIMIT}`, { signal }),
    api(`${base}/dependencies?to=${enc(id)}&limit=${LIST_LIMIT}`, { signal }),
    api(`${base}/nodes/${enc(id)}/exposure`, { signal }),
    api(`${base}/nodes/${enc(id)}/resilience`, { signal }),
  ]);
  document.title = `${isolate(node.name)} · ${graph} · ImpactMap`;
  const link = nodeId => h('a', { href: `${base}/nodes/${enc(nodeId)}` }, nodeId);
  // Everything first, then one drawing: the page never moves under the reader while parts arrive.
  const heading = h('h1', { tabindex: '-1' }, h('bdi', {}, node.name));
  const facts = h('div', {});
  const providers = h('div', {});
  const dependents = h('div', {});
  const exposure = h('div', {});
  clear(main, heading, facts,
    h('p', {}, h('a', { class: 'button', href: `${base}/impact?outage=${enc(id)}` }, 'What if this fails?')),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'providers-title' }, h('h2', { id: 'providers-title' }, 'Depends on'), providers),
      h('section', { 'aria-labelledby': 'dependents-title' }, h('h2', { id: 'dependents-title' }, 'Needed by'), dependents)),
    h('section', { 'aria-labelledby': 'exposure-title' },
      h('h2', { id: 'exposure-title' }, 'Exposure: every upstream provider and what its failure alone does here'), exposure),
    resilienceSection(graph, id, resilience));

  clear(facts, h('dl', { class: 'facts' },
    h('dt', {}, 'Id'), h('dd', {}, h('code', {}, node.id)),
    h('dt', {}, 'Kind'), h('dd', {}, node.kind),
    Object.entries(node.attributes ?? {}).map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])));
  const names = new Map(exposed.providers.map(p => [p.id, p.name]));
  const more = page => page.nextCursor ? h('p', { class: 'muted' }, `Only the first ${LIST_LIMIT} are shown.`) : null;

  clear(providers, from.items.length === 0 ? h('p', {}, 'Nothing: this node needs no other.') : [h('ul', { class: 'plain' }, from.items.map(d => h('li', {},
    h('a', { href: `${base}/nodes/${enc(d.to)}` }, names.get(d.to) ?? d.to), ' ', h('span', { class: 'muted' }, `(${dependencyNote(d, node.groups)})`)))), more(from)]);
  clear(dependents, to.items.length === 0 ? h('p', {}, 'Nothing depends on it.') : [h('ul', { class: 'plain' }, to.items.map(d => h('li', {}, link(d.from),
    d.effect === 'degraded' ? h('span', { class: 'muted' }, ' (degrades only)') : null))), more(to)]);

  clear(exposure, exposed.providers.length === 0 ? h('p', {}, 'No upstream providers.') : [
    h('p', {}, exposed.singlePointsOfFailure === 0
      ? 'No single point of failure: no one provider alone takes this node down.'
      : `${number(exposed.singlePointsOfFailure)} single ${exposed.singlePointsOfFailure === 1 ? 'point' : 'points'} of failure: each alone takes this node down.`),
    wide(h('table', { class: 'grid exposure' },
      h('caption', { class: 'sr-only' }, 'Upstream providers with depth and the state this node ends in if each alone fails'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Provider'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col', class: 'num' }, 'Depth'),
        h('th', { scope: 'col' }, 'If it alone fails'), h('th', { scope: 'col' }, 'Single point of failure'), h('th', { scope: 'col' }, 'Outage'))),
      h('tbody', {}, exposed.providers.map(p => h('tr', { class: p.singlePointOfFailure ? 'spof' : null },
        h('th', { scope: 'row' }, h('a', { href: `${base}/nodes/${enc(p.id)}` }, p.name)),
        h('td', {}, p.kind), h('td', { class: 'num' }, p.depth),
        h('td', {}, stateBadge(p.stateIfAloneFails)),
        h('td', {}, p.singlePointOfFailure ? h('strong', { class: 'spof-mark' }, '⚠ Yes') : 'No'),
        h('td', {}, h('a', { href: `${base}/impact?outage=${enc(p.id)}` }, 'What if this fails')))))))]);
}
