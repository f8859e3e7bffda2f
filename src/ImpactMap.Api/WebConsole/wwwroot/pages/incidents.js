import { h, wide, clear, number, enc, when, stateBadge } from '../dom.js';
import { api, ApiError, session, wholeRadius } from '../api.js';
import { followEvents, healthText } from '../stream.js';
import { problemView, problemsOf } from '../views/problem.js';
import { showRadius } from '../views/radius.js';
import { outagesEditor } from './impact.js';

const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'];
const PAGE = 100000;
const NOTICE_PAGE = 50;

function statusBadge(status) {
  return h('span', { class: `status status-${status}` }, status);
}

/** The stream's health, in words (and a dot), kept current. */
function liveIndicator() {
  const element = h('p', { class: 'live', role: 'status', dataset: { health: 'connecting' } }, healthText('connecting'));
  return {
    element,
    set(health) {
      element.dataset.health = health;
      element.textContent = healthText(health);
    },
  };
}

/** Calls fn at most once per interval while events arrive in bursts. */
function coalesce(fn, ms = 250) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => { timer = null; fn(); }, ms);
  };
}

/** "/graphs/{graph}/incidents": open incidents first, then the rest, kept live from the event stream. */
export async function incidentsPage({ main, graph, signal }) {
  document.title = `Incidents · ${graph} · ImpactMap`;
  const base = `/graphs/${enc(graph)}`;
  const live = liveIndicator();
  const list = h('div', { class: 'reserve' }, h('p', { class: 'loading' }, 'Loading incidents…'));
  clear(main, h('h1', { tabindex: '-1' }, 'Incidents'), live.element,
    h('p', {}, 'To open one, ask for a ', h('a', { href: `${base}/impact` }, 'blast radius'), ' and open an incident for it.'),
    list);

  const show = async () => {
    const incidents = await api(`${base}/incidents`, { signal });
    const open = incidents.filter(i => i.status !== 'closed');
    const closed = incidents.filter(i => i.status === 'closed');
    const table = (items, caption) => wide(h('table', { class: 'grid incidents' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ['Incident', 'Status', 'Started', 'Affected', 'Down', 'Degraded', 'At risk', 'Updates', 'Reviewed']
        .map((label, i) => h('th', { scope: 'col', class: i >= 3 && i <= 7 ? 'num' : null }, label)))),
      h('tbody', {}, items.map(i => h('tr', { dataset: { id: i.id } },
        h('th', { scope: 'row' }, h('a', { href: `${base}/incidents/${enc(i.id)}` }, i.title), h('br'), h('code', { class: 'small' }, i.id)),
        h('td', {}, statusBadge(i.status)), h('td', {}, when(i.startedAt)),
        h('td', { class: 'num' }, number(i.total)), h('td', { class: 'num' }, number(i.counts.down)),
        h('td', { class: 'num' }, number(i.counts.degraded)), h('td', { class: 'num' }, number(i.counts.atRisk)),
        h('td', { class: 'num' }, number(i.updates)), h('td', {}, i.reviewed ? 'Yes' : 'No'))))));
    clear(list,
      open.length ? table(open, `Open (${open.length})`) : h('p', { class: 'open-none' }, 'No open incidents.'),
      closed.length ? table(closed, `Closed (${closed.length})`) : null);
  };
  await show();
  const refresh = coalesce(() => show().catch(e => { if (!signal.aborted) clear(list, problemView(e)); }));
  let wasLive = false;
  return followEvents(graph, {
    onEvent: type => { if (type.startsWith('incident.')) refresh(); },
    onHealth: health => {
      // Back after a break: read the list again rather than trust that no event was missed.
      if (health === 'live' && wasLive) refresh();
      wasLive ||= health === 'live';
      live.set(health);
    },
  });
}

const fetchIncidentRadius = (base, id, signal) =>
  wholeRadius(cursor => api(`${base}/incidents/${enc(id)}/impact?paths=none&limit=${PAGE}${cursor ? `&cursor=${enc(cursor)}` : ''}`, { signal }));

function timeline(incident) {
  const change = c => {
    if (!c) return null;
    const part = (label, ids) => (ids?.length ? h('li', {}, `${label}: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ` and ${number(ids.length - 20)} more` : ''}`) : null);
    return h('ul', { class: 'change' }, part('Newly affected', c.becameAffected), part('Recovered', c.recovered),
      part('Worse', c.worsened), part('Better', c.improved));
  };
  return h('ol', { class: 'timeline' },
    h('li', {}, h('time', { datetime: incident.openedAt }, when(incident.openedAt)), ' ', statusBadge('investigating'), ' Opened: ',
      incident.outages.map(o => `${o.node} ${o.state}`).join(', ')),
    incident.updates.map(u => h('li', {},
      h('time', { datetime: u.at }, when(u.at)), ' ', statusBadge(u.status), ' ', u.message,
      u.outages ? h('p', { class: 'small' }, `Outages now: ${u.outages.map(o => `${o.node} ${o.state}`).join(', ')}`) : null,
      change(u.change))),
    incident.closedAt ? h('li', {}, h('time', { datetime: incident.closedAt }, when(incident.closedAt)), ' ', statusBadge('closed'), ' Closed') : null);
}

async function noticesView(host, base, id, signal, href) {
  const response = await api(href ?? `${base}/incidents/${enc(id)}/notices?limit=${NOTICE_PAGE}`, { signal, raw: true });
  const notices = await response.json();
  const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('Link') ?? '')?.[1];
  // The first page replaces what was shown; a further page adds to it.
  if (!href) clear(host);
  host.querySelector('.more')?.remove();
  if (!host.querySelector('.notices') && notices.length === 0) {
    clear(host, h('p', {}, 'No affected parties: nobody to tell.'));
    return;
  }
  let listing = host.querySelector('.notices');
  if (!listing) {
    listing = h('div', { class: 'notices' });
    clear(host, listing);
  }
  for (const notice of notices) {
    const markdown = h('pre', { class: 'letter', hidden: true });
    const showMarkdown = h('button', {
      type: 'button', class: 'secondary',
      onclick: async () => {
        if (!markdown.hidden) { markdown.hidden = true; showMarkdown.textContent = 'Show as Markdown'; return; }
        try {
          markdown.textContent = await api(`${base}/incidents/${enc(id)}/notices?format=markdown&node=${enc(notice.node)}`, { accept: 'text/markdown', signal });
        } catch (e) {
          markdown.textContent = e.message;
        }
        markdown.hidden = false;
        showMarkdown.textContent = 'Hide the Markdown';
      },
    }, 'Show as Markdown');
    listing.append(h('details', { class: 'notice' },
      h('summary', {}, h('strong', {}, notice.name), ' ', stateBadge(notice.state), ' ', h('span', { class: 'muted' }, notice.subject)),
      h('p', { class: 'small' }, `To: ${notice.to}`, notice.from ? ` · From: ${notice.from}` : '', ` · ${notice.phase}`),
      h('pre', { class: 'letter' }, notice.message),
      showMarkdown, markdown));
  }
  if (next) host.append(h('button', { type: 'button', class: 'more', onclick: () => noticesView(host, base, id, signal, next.replace(/^\/v1/, '')) }, 'More notices'));
}

function updateForm(base, incident, reload, signal) {
  const status = h('select', { id: 'update-status', name: 'status' }, STATUSES.map(st => h('option', { value: st, selected: st === incident.status }, st)));
  const message = h('textarea', { id: 'update-message', name: 'message', rows: '3', required: true, maxlength: '10000' });
  const expected = h('input', { id: 'update-expected', name: 'expectedDuration', placeholder: incident.expectedDuration ?? 'PT2H' });
  const changeOutages = h('input', { id: 'update-change-outages', type: 'checkbox' });
  const editor = outagesEditor(incident.graph, incident.outages, signal);
  editor.element.hidden = true;
  changeOutages.addEventListener('change', () => { editor.element.hidden = !changeOutages.checked; });
  const problems = h('div', {});
  return h('form', {
    class: 'card', 'aria-labelledby': 'update-title',
    onsubmit: async event => {
      event.preventDefault();
      clear(problems);
      const body = { status: status.value, message: message.value.trim() };
      if (expected.value.trim()) body.expectedDuration = expected.value.trim();
      if (changeOutages.checked) body.outages = editor.read().filter(o => o.node);
      try {
        await api(`${base}/incidents/${enc(incident.id)}/updates`, { method: 'POST', body });
        await reload();
      } catch (e) {
        clear(problems, problemsOf(e));
      }
    },
  },
  h('h2', { id: 'update-title' }, 'Post an update'),
  h('label', { for: 'update-status' }, 'Status'), status,
  h('label', { for: 'update-message' }, 'Message'), message,
  h('label', { for: 'update-expected' }, 'Expected duration (ISO 8601, optional)'), expected,
  h('div', { class: 'check' }, changeOutages, h('label', { for: 'update-change-outages' }, 'The outages changed')),
  editor.element, problems,
  h('button', { type: 'submit' }, 'Post the update'));
}

function reviewForm(base, incident, reload) {
  const last = incident.review;
  const field = (id, label, control, help) => {
    const problem = h('p', { class: 'field-problem', id: `${id}-problem`, 'aria-live': 'polite' });
    control.setAttribute('aria-describedby', `${id}-problem${help ? ` ${id}-help` : ''}`);
    return { problem, element: h('div', { class: 'field' }, h('label', { for: id }, label), help ? h('p', { class: 'muted small', id: `${id}-help` }, help) : null, control, problem) };
  };
  const whatHappened = h('textarea', { id: 'review-what-happened', rows: '4', value: last?.whatHappened ?? '' });
  const whatWeLearned = h('textarea', { id: 'review-what-we-learned', rows: '3', value: last?.whatWeLearned ?? '' });
  const happened = field('review-what-happened', 'What happened', whatHappened, 'The mechanism: which component failed, how, and why. "A technical outage" is not an answer.');
  const learned = field('review-what-we-learned', 'What we learned', whatWeLearned, 'What you did not know or did not have before.');
  const rows = h('div', { class: 'prevention-rows' });
  const rowFields = [];
  const addRow = action => {
    const i = rowFields.length;
    const inputs = {
      action: h('input', { id: `prevention-${i}-action`, value: action?.action ?? '' }),
      owner: h('input', { id: `prevention-${i}-owner`, value: action?.owner ?? '' }),
      due: h('input', { id: `prevention-${i}-due`, type: 'date', value: action?.due ?? '' }),
    };
    const fields = Object.fromEntries(Object.entries(inputs).map(([name, input]) =>
      [name, field(`prevention-${i}-${name}`, { action: 'Action', owner: 'Owner', due: 'Due' }[name], input)]));
    rowFields.push({ inputs, fields });
    rows.append(h('div', { class: 'prevention-row', role: 'group', 'aria-label': `Prevention action ${i + 1}` }, Object.values(fields).map(f => f.element)));
  };
  (last?.prevention?.length ? last.prevention : [null]).forEach(addRow);
  const general = h('div', {});
  const byPath = () => {
    const map = new Map([['whatHappened', happened.problem], ['whatWeLearned', learned.problem]]);
    rowFields.forEach((row, i) => { for (const name of ['action', 'owner', 'due']) map.set(`prevention[${i}].${name}`, row.fields[name].problem); });
    return map;
  };
  return h('form', {
    class: 'card', 'aria-labelledby': 'review-title', novalidate: true,
    onsubmit: async event => {
      event.preventDefault();
      const targets = byPath();
      for (const p of targets.values()) p.textContent = '';
      clear(general);
      const body = {
        whatHappened: whatHappened.value.trim(),
        whatWeLearned: whatWeLearned.value.trim(),
        prevention: rowFields.map(r => ({ action: r.inputs.action.value.trim(), owner: r.inputs.owner.value.trim(), due: r.inputs.due.value }))
          .filter(a => a.action || a.owner || a.due),
      };
      try {
        await api(`${base}/incidents/${enc(incident.id)}/review`, { method: 'PUT', body });
        await reload();
      } catch (e) {
        if (!(e instanceof ApiError) || e.problems.length === 0) { clear(general, problemView(e)); return; }
        const unplaced = [];
        for (const p of e.problems) {
          const target = targets.get(p.path);
          if (target) target.textContent = target.textContent ? `${target.textContent} ${p.message}` : p.message;
          else unplaced.push(p);
        }
        if (unplaced.length) clear(general, h('ul', { class: 'field-problem', role: 'alert' }, unplaced.map(p => h('li', {}, `${p.path}: ${p.message}`))));
        else clear(general, h('p', { class: 'field-problem', role: 'alert' }, `The review was refused: ${e.problems.length} ${e.problems.length === 1 ? 'problem' : 'problems'}, shown by each field.`));
        const first = e.problems.map(p => targets.get(p.path)).find(Boolean);
        first?.parentElement.querySelector('input, textarea')?.focus();
      }
    },
  },
  h('h2', { id: 'review-title' }, last ? `Revise the review (revision ${last.revision} accepted)` : 'Write the review'),
  happened.element, learned.element,
  h('fieldset', {}, h('legend', {}, 'What will prevent it happening again'), rows,
    h('button', { type: 'button', class: 'secondary', onclick: () => addRow(null) }, 'Add an action')),
  general,
  h('button', { type: 'submit' }, 'Submit the review'));
}

function closeForm(base, incident, reload) {
  const problems = h('div', {});
  return h('form', {
    class: 'card', 'aria-labelledby': 'close-title',
    onsubmit: async event => {
      event.preventDefault();
      clear(problems);
      try {
        await api(`${base}/incidents/${enc(incident.id)}/close`, { method: 'POST' });
        await reload();
      } catch (e) {
        const missing = e instanceof ApiError ? e.problem.missing : null;
        clear(problems, missing?.length ? h('div', { class: 'problem', role: 'alert' }, h('p', {}, e.problem.detail ?? 'Not yet.'),
          h('ul', {}, missing.map(m => h('li', {}, m)))) : problemView(e));
      }
    },
  },
  h('h2', { id: 'close-title' }, 'Close the incident'),
  h('p', {}, 'Once resolved and reviewed. A closed incident takes no more updates.'),
  problems, h('button', { type: 'submit' }, 'Close the incident'));
}

/** "/graphs/{graph}/incidents/{id}": one incident, its timeline, its impact, its notices, and what to do next. */
export async function incidentPage({ main, graph, id, signal }) {
  const base = `/graphs/${enc(graph)}`;
  document.title = `Incident ${id} · ImpactMap`;
  const live = liveIndicator();
  const heading = h('h1', { tabindex: '-1' }, `Incident ${id}`);
  const facts = h('div', {});
  const history = h('div', {});
  const impact = h('div', {});
  const impactTitle = h('h2', { id: 'impact-title' }, 'Current impact');
  const impactSection = h('section', { 'aria-labelledby': 'impact-title' }, impactTitle, impact);
  const spared = h('div', {});
  const notices = h('div', {});
  const actions = h('div', { class: 'actions' });
  clear(main, h('h1', { tabindex: '-1' }, `Incident ${id}`), h('p', { class: 'loading' }, 'Loading the incident…'));

  let shownRevision = null;
  let shownStatus = null;
  // Who is next, with a countdown that a person can read across the room; at each hit the page asks again.
  const next = h('section', { class: 'card next', 'aria-labelledby': 'next-title', hidden: true },
    h('h2', { id: 'next-title' }, 'Next to be hit unless restored'), h('ul', { class: 'plain countdown' }));
  let upcoming = [];
  const tick = () => {
    const now = Date.now();
    const waiting = upcoming.filter(n => Date.parse(n.impactFrom) > now);
    if (waiting.length < upcoming.length) refresh?.();
    next.hidden = waiting.length === 0;
    clear(next.querySelector('ul'), waiting.slice(0, 5).map(n => h('li', { 'data-next': n.id },
      h('a', { href: `${base}/nodes/${enc(n.id)}` }, n.name), ` ${stateLabelOf(n.state)} in `,
      h('strong', { class: 'remaining' }, remaining(Date.parse(n.impactFrom) - now)), ` (${when(n.impactFrom)}) unless restored`)),
    waiting.length > 5 ? h('li', { class: 'muted' }, `and ${number(waiting.length - 5)} more after them`) : null);
  };
  let refresh = null;
  const load = async ({ forms }) => {
    const response = await api(`${base}/incidents/${enc(id)}`, { signal, raw: true });
    const revision = response.headers.get('ETag');
    const incident = await response.json();
    const ended = incident.status === 'resolved' || incident.status === 'closed';
    heading.textContent = incident.title;
    document.title = `${incident.title} · Incident · ImpactMap`;
    clear(facts, h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', {}, statusBadge(incident.status)),
      h('dt', {}, 'Id'), h('dd', {}, h('code', {}, incident.id)),
      h('dt', {}, 'Started'), h('dd', {}, when(incident.startedAt)),
      h('dt', {}, 'Expected duration'), h('dd', {}, incident.expectedDuration ?? 'not given'),
      h('dt', {}, 'Outages'), h('dd', {}, incident.outages.map((o, i) => [i ? ', ' : '', h('a', { href: `${base}/nodes/${enc(o.node)}` }, o.node), ` ${o.state}`])),
      ended ? [h('dt', {}, 'Was affected'), h('dd', {}, `${number(incident.impact.total)}: ${countWords(incident.impact.counts)}`)]
        : [h('dt', {}, 'Hit now'), h('dd', {}, `${number(sum(incident.impact.counts))}: ${countWords(incident.impact.counts)}`),
          h('dt', {}, 'Hit if not restored'), h('dd', {}, `${number(sum(incident.impact.expected ?? incident.impact.counts))}${incident.expectedDuration ? ' by the expected end' : ''}`)],
      incident.spared ? [h('dt', {}, 'Spared'), h('dd', {}, `${number(incident.spared.length)} reached too late to be hit`)] : null));
    // Resolved or closed: history, in neutral colours, never drawn as a live outage.
    impactTitle.textContent = ended ? `Final impact: who the outage reached before it ended (${when(resolvedAt(incident))})` : 'Current impact';
    impactSection.classList.toggle('history', ended);
    clear(spared, !incident.spared || incident.spared.length === 0 ? null : h('section', { class: 'card', 'aria-labelledby': 'spared-title' },
      h('h2', { id: 'spared-title' }, 'Spared by their tolerance'),
      h('p', { class: 'muted' }, 'The outage ended before it reached them: they were not hit and get no letter.'),
      h('ul', { class: 'plain' }, incident.spared.map(p => h('li', { 'data-spared': p.id },
        h('a', { href: `${base}/nodes/${enc(p.id)}` }, p.name), ` would have been ${p.state} from ${when(p.impactFrom)} (${p.impactAt} after the start)`)))));
    clear(history, timeline(incident), incident.review ? h('div', { class: 'card' },
      h('h3', {}, `Review (revision ${incident.review.revision})`),
      h('p', {}, h('strong', {}, 'What happened: '), incident.review.whatHappened),
      h('p', {}, h('strong', {}, 'What we learned: '), incident.review.whatWeLearned),
      h('ul', {}, incident.review.prevention.map(a => h('li', {}, `${a.action} (${a.owner}, due ${a.due})`)))) : null);
    // Forms are rebuilt only when they must be, so a live update never wipes what someone is typing.
    if (forms || incident.status !== shownStatus) {
      shownStatus = incident.status;
      const closed = incident.status === 'closed';
      const reload = () => load({ forms: true });
      // The review and the close come once the incident is resolved, as the API allows them.
      clear(actions, !session.mayEdit || closed ? null : [
        updateForm(base, incident, reload, signal),
        incident.status === 'resolved' ? [reviewForm(base, incident, reload), closeForm(base, incident, reload)]
          : h('p', { class: 'muted' }, 'Once the incident is resolved, the review and the close appear here.')]);
    }
    if (revision !== shownRevision) {
      shownRevision = revision;
      const radius = await fetchIncidentRadius(base, id, signal);
      upcoming = ended ? [] : radius.affected.filter(n => n.hit === false).sort((a, b) => a.impactFrom.localeCompare(b.impactFrom));
      tick();
      const pathOf = async node => (await api(`${base}/incidents/${enc(id)}/impact?node=${enc(node)}&limit=1`, { signal })).affected[0]?.path;
      await showRadius(impact, radius, { base, fileName: `${graph}-incident-${id}.csv`, pathOf });
      await noticesView(notices, base, id, signal);
    }
  };
  await load({ forms: true });
  // Drawn once everything is there, so nothing moves under the reader while parts arrive.
  clear(main, heading, live.element, facts, next,
    h('section', { 'aria-labelledby': 'timeline-title' }, h('h2', { id: 'timeline-title' }, 'Timeline'), history),
    actions,
    impactSection, spared,
    h('section', { 'aria-labelledby': 'notices-title' }, h('h2', { id: 'notices-title' }, 'Notices, as each affected party will get them'), notices));
  refresh = coalesce(() => load({ forms: false }).catch(e => { if (!signal.aborted) clear(facts, problemView(e)); }));
  const ticker = setInterval(tick, 1000);
  const stop = followEvents(graph, {
    onEvent: (type, data) => { if (type.startsWith('incident.') && data.id === id) refresh(); },
    onHealth: health => live.set(health),
  });
  return () => { clearInterval(ticker); stop(); };
}

const sum = counts => counts.down + counts.degraded + counts.atRisk;
const countWords = counts => `${number(counts.down)} down, ${number(counts.degraded)} degraded, ${number(counts.atRisk)} at risk`;
const stateLabelOf = state => ({ down: 'down', degraded: 'degraded', 'at-risk': 'on its last fallback' }[state] ?? state);

/** A countdown as people say it: "17 min", "1 h 05 min", "45 s" in the last minute. */
function remaining(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** When the incident was resolved: its last update to resolved. */
function resolvedAt(incident) {
  return [...incident.updates].reverse().find(u => u.status === 'resolved')?.at ?? incident.closedAt;
}
