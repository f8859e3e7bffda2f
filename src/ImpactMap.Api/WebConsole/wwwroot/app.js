// The console's shell: routes the deep links in the browser, asks for a key when the service needs one, and
// shows each page. Every page is a function (context) => cleanup, drawing into <main>.

import { h, clear, enc } from './dom.js';
import { loadAccess, session } from './api.js';
import { problemView } from './views/problem.js';
import { graphsPage } from './pages/graphs.js';
import { graphPage } from './pages/graph.js';
import { impactPage } from './pages/impact.js';
import { nodePage } from './pages/node.js';
import { incidentsPage, incidentPage } from './pages/incidents.js';
import { statusPage } from './pages/status.js';
import { maintenancesPage } from './pages/maintenances.js';

const routes = [
  [/^\/$/, graphsPage],
  [/^\/graphs\/([^/]+)$/, graphPage],
  [/^\/graphs\/([^/]+)\/impact$/, impactPage],
  [/^\/graphs\/([^/]+)\/nodes\/([^/]+)$/, nodePage],
  [/^\/graphs\/([^/]+)\/incidents$/, incidentsPage],
  [/^\/graphs\/([^/]+)\/incidents\/([^/]+)$/, incidentPage],
  [/^\/graphs\/([^/]+)\/status$/, statusPage],
  [/^\/graphs\/([^/]+)\/maintenances$/, maintenancesPage],
];

const main = document.getElementById('main');
let current = null;

/** Goes to a console address as a link would (history entry, no reload). */
export function navigate(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', href); else history.pushState(null, '', href);
  render({ focus: true });
}

function crumbs(graph, here) {
  const nav = document.getElementById('crumbs');
  if (!graph) { clear(nav); return; }
  const link = (href, text, key) => h('a', { href, 'aria-current': here === key ? 'page' : null }, text);
  clear(nav,
    link(`/graphs/${enc(graph)}`, graph, 'graph'),
    link(`/graphs/${enc(graph)}/impact`, 'Blast radius', 'impact'),
    link(`/graphs/${enc(graph)}/incidents`, 'Incidents', 'incidents'),
    link(`/graphs/${enc(graph)}/maintenances`, 'Maintenance', 'maintenances'),
    link(`/graphs/${enc(graph)}/status`, 'Status across organisations', 'status'));
}

function whoView() {
  const who = document.getElementById('who');
  if (!session.access) { clear(who); return; }
  if (session.access.open) {
    clear(who, h('span', { class: 'muted' }, 'Open access (this machine only)'));
    return;
  }
  clear(who,
    h('span', {}, `Key ${session.access.keyId} · ${session.access.role}`),
    h('button', { type: 'button', class: 'link', onclick: () => { session.setKey(null); session.access = null; render({ focus: true }); } }, 'Sign out'));
}

function keyPrompt(message) {
  document.title = 'API key · ImpactMap';
  crumbs(null);
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'api-key-help' });
  const error = h('p', { class: 'field-problem', id: 'api-key-problem', role: 'alert' }, message ?? '');
  const form = h('form', {
    class: 'card narrow',
    onsubmit: async event => {
      event.preventDefault();
      session.setKey(input.value.trim());
      render({ focus: true });
    },
  },
  h('h1', { tabindex: '-1' }, 'This ImpactMap needs an API key'),
  h('p', { id: 'api-key-help' }, 'Ask whoever runs ImpactMap for a key. It is kept in this browser tab only and sent with each request, never in an address.'),
  h('label', { for: 'api-key' }, 'API key'),
  input,
  error,
  h('button', { type: 'submit' }, 'Use this key'));
  clear(main, form);
  input.focus();
}

async function render({ focus = false } = {}) {
  current?.cleanup?.();
  current?.controller.abort();
  const controller = new AbortController();
  current = { controller, cleanup: null };

  if (!session.access) {
    try {
      if (!await loadAccess()) {
        whoView();
        keyPrompt(session.key ? 'That API key is not known. Check it and try again.' : null);
        session.setKey(null);
        return;
      }
    } catch (e) {
      clear(main, problemView(e));
      return;
    }
  }
  whoView();

  const path = location.pathname.replace(/\/+$/, '') || '/';
  for (const [pattern, page] of routes) {
    const match = pattern.exec(path);
    if (!match) continue;
    const [graph, id] = match.slice(1).map(decodeURIComponent);
    crumbs(graph, page === graphPage ? 'graph' : page === impactPage ? 'impact' : page === incidentsPage ? 'incidents' : page === statusPage ? 'status' : page === maintenancesPage ? 'maintenances' : null);
    const context = { main, graph, id, query: new URLSearchParams(location.search), signal: controller.signal, navigate };
    try {
      current.cleanup = await page(context);
      // For measuring what users wait for (bench/README.md): the page has drawn its data.
      performance.mark('impactmap:page-ready', { detail: path });
    } catch (e) {
      if (controller.signal.aborted) return;
      clear(main, problemView(e));
    }
    if (focus && !controller.signal.aborted) main.querySelector('h1')?.focus({ preventScroll: false });
    return;
  }
  crumbs(null);
  clear(main, h('h1', { tabindex: '-1' }, 'Not a console page'), h('p', {}, h('a', { href: '/' }, 'See the graphs')));
}

// Links within the console move through history; everything else (the API, /docs, downloads) loads normally.
document.addEventListener('click', event => {
  const link = event.target.closest?.('a[href]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/v1') || url.pathname.startsWith('/docs') || url.pathname.startsWith('/console')) return;
  event.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', () => render({ focus: true }));

render();
