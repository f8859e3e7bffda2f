import { h, clear, number, enc, pageHref, saveFile, afterWords, durationSeconds } from '../dom.js';
import { api, session, wholeRadius } from '../api.js';
import { problemsOf } from '../views/problem.js';
import { showRadius } from '../views/radius.js';

const STATES = ['down', 'degraded', 'at-risk'];
// The service's largest page; a bigger radius comes in several.
const PAGE = 100000;

/** "node" or "node:state" as the deep link writes outages. */
export function parseOutage(text) {
  const colon = text.lastIndexOf(':');
  const state = colon > 0 ? text.slice(colon + 1) : '';
  return STATES.includes(state) ? { node: text.slice(0, colon), state } : { node: text, state: 'down' };
}

export const outageParam = o => (o.state === 'down' ? o.node : `${o.node}:${o.state}`);

/** Every affected node of an impact question, page by page, without paths (the chains come from via). */
export const fetchRadius = (graph, question, signal) =>
  wholeRadius(cursor => api(`/graphs/${enc(graph)}/impact`, { method: 'POST', signal, body: { ...question, limit: PAGE, paths: 'none', cursor } }));

/** A datalist that suggests node ids as the user types, from the graph's node search. */
function nodeSuggestions(graph, signal) {
  const list = h('datalist', { id: 'node-ids' });
  let timer;
  const suggest = input => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const words = input.value.trim();
      if (words.length < 2) return;
      try {
        const page = await api(`/graphs/${enc(graph)}/nodes?search=${enc(words)}&limit=20`, { signal });
        clear(list, page.items.map(n => h('option', { value: n.id }, n.name)));
      } catch { /* suggestions are a convenience */ }
    }, 200);
  };
  return { list, suggest };
}

function outageRow(outage, suggestions, onRemove, index) {
  const node = h('input', { id: `outage-node-${index}`, name: 'node', value: outage.node, required: true, list: 'node-ids', autocomplete: 'off' });
  node.addEventListener('input', () => suggestions.suggest(node));
  const state = h('select', { id: `outage-state-${index}`, name: 'state' }, STATES.map(st => h('option', { value: st, selected: st === outage.state }, st)));
  return h('div', { class: 'outage-row', role: 'group', 'aria-label': `Outage ${index + 1}` },
    h('label', { for: `outage-node-${index}` }, 'Node id'), node,
    h('label', { for: `outage-state-${index}` }, 'State'), state,
    h('button', { type: 'button', class: 'secondary', onclick: onRemove, 'aria-label': `Remove outage ${index + 1}` }, 'Remove'));
}

/** The form that asks an impact question; returns the element and a way to read the outages from it. */
export function outagesEditor(graph, outages, signal) {
  const suggestions = nodeSuggestions(graph, signal);
  const rows = h('div', { class: 'outage-rows' });
  let current = outages.length ? outages.map(o => ({ ...o })) : [{ node: '', state: 'down' }];
  const read = () => [...rows.querySelectorAll('.outage-row')].map(row => ({
    node: row.querySelector('input').value.trim(), state: row.querySelector('select').value,
  }));
  const draw = () => clear(rows, current.map((o, i) => outageRow(o, suggestions, () => {
    current = read();
    current.splice(i, 1);
    if (current.length === 0) current.push({ node: '', state: 'down' });
    draw();
  }, i)));
  draw();
  const add = h('button', { type: 'button', class: 'secondary', onclick: () => { current = read(); current.push({ node: '', state: 'down' }); draw(); rows.querySelector('.outage-row:last-child input').focus(); } }, 'Add an outage');
  return { element: h('fieldset', {}, h('legend', {}, 'What fails'), rows, add, suggestions.list), read };
}

/** The whole answer as Mermaid (to paste into an incident document), DOT or CSV with paths, from the API's exports. */
function exportsView(graph, question, name) {
  const mermaid = h('pre', { class: 'letter', hidden: true, id: 'mermaid-text' });
  const status = h('span', { class: 'muted small', 'aria-live': 'polite' });
  const fetchAs = accept => api(`/graphs/${enc(graph)}/impact`, { method: 'POST', body: question, accept });
  const download = async (accept, extension) => {
    try {
      saveFile(await fetchAs(accept), accept, `${name}.${extension}`);
    } catch (e) {
      status.textContent = e.message;
    }
  };
  return h('section', { 'aria-labelledby': 'exports-title', class: 'card' },
    h('h2', { id: 'exports-title' }, 'Take it elsewhere'),
    h('div', { class: 'inline-form' },
      h('button', {
        type: 'button', class: 'secondary',
        onclick: async () => {
          try {
            mermaid.textContent = await fetchAs('text/vnd.mermaid');
            mermaid.hidden = false;
            await navigator.clipboard?.writeText(mermaid.textContent).then(() => { status.textContent = 'Copied to the clipboard.'; }, () => {});
          } catch (e) {
            status.textContent = e.message;
          }
        },
      }, 'Mermaid for the incident document'),
      h('button', { type: 'button', class: 'secondary', onclick: () => download('text/vnd.graphviz', 'dot') }, 'Download DOT (Graphviz)'),
      h('button', { type: 'button', class: 'secondary', onclick: () => download('text/csv', 'csv') }, 'Download CSV with chains'),
      status),
    mermaid);
}

function incidentForm(graph, question, navigate) {
  const names = question.outages.map(o => o.node).join(', ');
  const title = h('input', { id: 'incident-title', name: 'title', value: `Outage: ${names}`, required: true, maxlength: '200' });
  const problems = h('div', {});
  return h('form', {
    class: 'card', 'aria-labelledby': 'open-incident-title',
    onsubmit: async event => {
      event.preventDefault();
      clear(problems);
      try {
        const body = { title: title.value.trim(), outages: question.outages, startedAt: new Date().toISOString() };
        if (question.duration) body.expectedDuration = question.duration;
        const incident = await api(`/graphs/${enc(graph)}/incidents`, { method: 'POST', body });
        navigate(`/graphs/${enc(graph)}/incidents/${enc(incident.id)}`);
      } catch (e) {
        clear(problems, problemsOf(e));
      }
    },
  },
  h('h2', { id: 'open-incident-title' }, 'Open an incident for this outage'),
  h('p', {}, 'It starts now, with these outages; affected parties can then be told.'),
  h('label', { for: 'incident-title' }, 'Title'), title, problems,
  h('button', { type: 'submit' }, 'Open the incident'));
}

/** "/graphs/{graph}/impact?outage=…&duration=…&maxDepth=…": the blast radius. */
export async function impactPage({ main, graph, query, signal, navigate }) {
  document.title = `Blast radius · ${graph} · ImpactMap`;
  const base = `/graphs/${enc(graph)}`;
  const outages = query.getAll('outage').filter(Boolean).map(parseOutage);
  const duration = h('input', { id: 'duration', name: 'duration', value: query.get('duration') ?? '', placeholder: 'PT20M', 'aria-describedby': 'duration-help' });
  const maxDepth = h('input', { id: 'max-depth', name: 'maxDepth', type: 'number', min: '0', value: query.get('maxDepth') ?? '' });
  const editor = outagesEditor(graph, outages, signal);
  const result = h('div', { class: 'result' });
  const form = h('form', {
    class: 'card impact-form', 'aria-label': 'Ask for a blast radius',
    onsubmit: event => {
      event.preventDefault();
      const q = editor.read().filter(o => o.node).map(o => ['outage', outageParam(o)]);
      if (duration.value.trim()) q.push(['duration', duration.value.trim()]);
      if (maxDepth.value.trim()) q.push(['maxDepth', maxDepth.value.trim()]);
      navigate(pageHref(`${base}/impact`, q));
    },
  },
  editor.element,
  h('div', { class: 'inline-form' },
    h('label', { for: 'duration' }, 'Lasting'), duration,
    h('span', { id: 'duration-help', class: 'muted small' }, 'ISO 8601, e.g. PT20M; empty: until further notice'),
    h('label', { for: 'max-depth' }, 'Maximum depth'), maxDepth),
  h('button', { type: 'submit' }, 'Show the blast radius'));

  clear(main, h('h1', { tabindex: '-1' }, 'Blast radius'), form, result);
  if (outages.length === 0) {
    clear(result, h('p', {}, 'Name what fails, and see who goes down, who is degraded and who is running on their last fallback.'));
    return;
  }

  const question = { outages };
  if (query.get('duration')) question.duration = query.get('duration');
  if (query.get('maxDepth')) question.maxDepth = /^\d+$/.test(query.get('maxDepth')) ? Number(query.get('maxDepth')) : query.get('maxDepth');
  clear(result, h('p', { class: 'loading', role: 'status' }, 'Working out who is hit…'));
  let radius;
  try {
    radius = await fetchRadius(graph, question, signal);
  } catch (e) {
    if (signal.aborted) return;
    clear(result, problemsOf(e));
    return;
  }
  document.title = `${number(radius.total)} hit · Blast radius · ${graph} · ImpactMap`;
  const view = h('div', {});
  const fileName = `${graph}-impact-${outages.map(o => o.node).join('+').slice(0, 80)}.csv`;
  const pathOf = async id => (await api(`/graphs/${enc(graph)}/impact`, { method: 'POST', signal, body: { ...question, nodes: [id], limit: 1 } })).affected[0]?.path;
  await showRadius(view, radius, { base, fileName, pathOf });
  const spared = radius.sparedByDuration ? await sparedView(graph, question, radius, base, signal) : null;
  clear(result, view, spared, exportsView(graph, question, fileName.replace(/\.csv$/, '')), session.mayEdit ? incidentForm(graph, question, navigate) : null);
}

/** Who the duration spares: those the outage reaches had it lasted (the same question without the duration), whose time lies past it. */
async function sparedView(graph, question, radius, base, signal) {
  const { duration, ...lasting } = question;
  const hit = new Set(radius.affected.map(n => n.id));
  const longer = await api(`/graphs/${enc(graph)}/impact`, { method: 'POST', signal, body: { ...lasting, limit: Math.min(radius.total + SPARED_SHOWN, 100000), paths: 'none' } });
  const spared = longer.affected.filter(n => !hit.has(n.id)).sort((a, b) => durationSeconds(a.impactAt) - durationSeconds(b.impactAt));
  return h('section', { class: 'card', 'aria-labelledby': 'spared-title' },
    h('h2', { id: 'spared-title' }, `Spared by a duration of ${duration}`),
    h('p', { class: 'muted' }, `${number(radius.sparedByDuration)} ${radius.sparedByDuration === 1 ? 'party' : 'parties'} a longer outage would reach: their tolerance outlasts it.`),
    h('ul', { class: 'plain' }, spared.slice(0, SPARED_SHOWN).map(n => h('li', { 'data-spared': n.id },
      h('a', { href: `${base}/nodes/${enc(n.id)}` }, n.name), ` would be ${n.state} ${afterWords(n.impactAt)}`))),
    radius.sparedByDuration > SPARED_SHOWN ? h('p', { class: 'muted' }, `and ${number(radius.sparedByDuration - SPARED_SHOWN)} more`) : null);
}

const SPARED_SHOWN = 50;
