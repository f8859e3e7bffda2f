import { h, wide, clear, when, enc } from '../dom.js';
import { api } from '../api.js';

// A watch's health as a shape and a word, never by colour alone.
const HEALTH = {
  healthy: { glyph: '●', label: 'Healthy', state: 'up' },
  pending: { glyph: '○', label: 'Not polled yet', state: 'pending' },
  unhealthy: { glyph: '▲', label: 'Unhealthy', state: 'at-risk' },
  stale: { glyph: '■', label: 'Stale', state: 'down' },
};
const DELIVERY = {
  delivered: { glyph: '●', label: 'Delivered', state: 'up' },
  pending: { glyph: '○', label: 'Pending', state: 'pending' },
  failed: { glyph: '■', label: 'Failed', state: 'down' },
};
const REFRESH_MS = 5000;

function badge(kinds, key) {
  const known = kinds[key] ?? { glyph: '?', label: key, state: key };
  return h('span', { class: `state state-${known.state}` }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, known.glyph), ' ', known.label);
}

/** "/graphs/{graph}/status": the suppliers' pages it follows, the page it publishes, and the webhooks it sends. */
export async function statusPage({ main, graph, signal }) {
  document.title = `Status across organisations · ${graph} · ImpactMap`;
  const base = `/graphs/${enc(graph)}`;
  const watches = h('div', { 'aria-live': 'polite' });
  const page = h('div', {});
  const hooks = h('div', {});
  const open = new Set();

  const draw = async () => {
    // The list form answers an empty list where the page's own address answers 404, which browsers log.
    const [watchList, pages, hookList] = await Promise.all([
      api(`${base}/watches`, { signal }),
      api(`${base}/status-pages`, { signal }),
      api(`${base}/webhooks`, { signal }),
    ]);
    const published = pages[0] ?? null;
    const logs = new Map(await Promise.all(hookList.filter(w => open.has(w.id))
      .map(async w => [w.id, (await api(`${base}/webhooks/${enc(w.id)}/deliveries?limit=50`, { signal })).items])));

    clear(watches, watchList.length === 0 ? h('p', {}, `This graph follows no supplier's status page. Add one with PUT /v1/graphs/${graph}/watches/{watch}.`) : wide(h('table', { class: 'grid', id: 'watches' },
      h('caption', { class: 'sr-only' }, 'Suppliers\' status pages this graph follows'),
      h('thead', {}, h('tr', {}, ['Watch', 'Page', 'Health', 'Last success', 'Failures in a row', 'Problem', 'Incident', 'Next poll'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, watchList.map(w => h('tr', { 'data-watch': w.id },
        h('th', { scope: 'row' }, h('code', {}, w.id)),
        h('td', {}, w.health.pageName ?? '', w.health.pageName ? h('br') : null, h('span', { class: 'muted' }, w.url),
          h('br'), h('span', { class: 'muted' }, w.components.map(c => `${c.component} → ${c.node}`).join(', '))),
        h('td', {}, badge(HEALTH, w.health.status)),
        h('td', {}, when(w.health.lastSuccess) || 'never'),
        h('td', { class: 'num' }, String(w.health.consecutiveFailures)),
        h('td', {}, w.health.problem ?? ''),
        h('td', {}, w.incident ? h('a', { href: `${base}/incidents/${enc(w.incident)}` }, w.incident) : ''),
        h('td', {}, when(w.health.nextPollAt))))))));

    clear(page, published === null ? h('p', {}, `This graph publishes no status page. Publish one with PUT /v1/graphs/${graph}/status-page.`) : h('dl', { class: 'facts' },
      h('dt', {}, 'Name'), h('dd', {}, published.name),
      h('dt', {}, 'Readable by'), h('dd', {}, published.public ? 'anyone, without a key' : 'holders of a reader key'),
      h('dt', {}, 'Components'), h('dd', {}, published.components ? published.components.map((id, i) => [i ? ', ' : '', h('a', { href: `${base}/nodes/${enc(id)}` }, id)]) : `every node of kind ${published.kind}`),
      h('dt', {}, 'Followed at'), h('dd', {}, h('code', {}, published.url), ' (',
        h('a', { href: `${published.url}/api/v2/summary.json` }, 'summary.json'), ', ', h('a', { href: `${published.url}/history.atom` }, 'Atom feed'), ')')));

    clear(hooks, hookList.length === 0 ? h('p', {}, `This graph sends no webhooks. Subscribe with POST /v1/graphs/${graph}/webhooks.`) : hookList.map(w => h('section', { class: 'card', 'data-webhook': w.id, 'aria-labelledby': `hook-${w.id}` },
      h('h3', { id: `hook-${w.id}` }, h('code', {}, w.id), ' → ', w.url, ' ', w.failing ? badge(DELIVERY, 'failed') : null, w.failing ? ` since ${when(w.failingSince)}` : ''),
      h('p', { class: 'muted' }, `Events: ${w.events.join(', ')}`, w.nodes ? `; each named party's own notice: ${w.nodes.join(', ')}` : ''),
      h('button', {
        type: 'button', 'aria-expanded': String(open.has(w.id)),
        onclick: () => { if (open.has(w.id)) open.delete(w.id); else open.add(w.id); draw().catch(() => {}); },
      }, open.has(w.id) ? 'Hide the delivery log' : 'Show the delivery log'),
      logs.has(w.id) ? deliveryLog(w.id, logs.get(w.id)) : null)));
  };

  clear(main, h('h1', { tabindex: '-1' }, `Status across organisations: ${graph}`), h('p', { class: 'loading' }, 'Loading…'));
  await draw();
  clear(main,
    h('h1', { tabindex: '-1' }, `Status across organisations: ${graph}`),
    h('section', { 'aria-labelledby': 'watches-title' }, h('h2', { id: 'watches-title' }, 'Suppliers we follow'), watches),
    h('section', { 'aria-labelledby': 'page-title' }, h('h2', { id: 'page-title' }, 'Our status page'), page),
    h('section', { 'aria-labelledby': 'hooks-title' }, h('h2', { id: 'hooks-title' }, 'Webhooks'), hooks),
    h('p', { class: 'muted' }, `Refreshed every ${REFRESH_MS / 1000} seconds.`));

  // Health changes by itself as pages are polled and deliveries retried: read it again while the page is open.
  const timer = setInterval(() => draw().catch(() => {}), REFRESH_MS);
  return () => clearInterval(timer);
}

function deliveryLog(id, items) {
  if (items.length === 0) return h('p', {}, 'Nothing sent yet.');
  return wide(h('table', { class: 'grid deliveries' },
    h('caption', { class: 'sr-only' }, `Delivery log of ${id}, newest first`),
    h('thead', {}, h('tr', {}, ['Webhook id', 'Event', 'Status', 'Attempts', 'Last answer', 'Next attempt', 'Delivered'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, items.map(d => h('tr', {},
      h('th', { scope: 'row' }, h('code', {}, d.webhookId)),
      h('td', {}, d.type, d.node ? ` (notice to ${d.node})` : ''),
      h('td', {}, badge(DELIVERY, d.status)),
      h('td', { class: 'num' }, String(d.attempts)),
      h('td', {}, d.lastError ?? (d.lastStatus ? String(d.lastStatus) : '')),
      h('td', {}, when(d.nextAttemptAt)),
      h('td', {}, when(d.deliveredAt)))))));
}
