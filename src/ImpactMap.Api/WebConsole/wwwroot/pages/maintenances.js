// "/graphs/{graph}/maintenances": planned work, soonest first, each with who it reaches for its length and what it
// does together with other windows and open incidents; and a form that checks a window before it is scheduled.

import { h, clear, number, enc, when, stateBadge } from '../dom.js';
import { api, session } from '../api.js';
import { followEvents } from '../stream.js';
import { problemView, problemsOf } from '../views/problem.js';

const STATUS_TEXT = { scheduled: 'Scheduled', 'in-progress': 'In progress', completed: 'Completed', cancelled: 'Cancelled' };

const statusBadge = status => h('span', { class: `status maintenance-${status}` }, STATUS_TEXT[status] ?? status);

const sum = counts => counts.down + counts.degraded + counts.atRisk;

/** One conflict in words: with what, while when, and who is worse together. */
function conflictView(conflict, base) {
  const other = conflict.kind === 'incident'
    ? h('a', { href: `${base}/incidents/${enc(conflict.with)}` }, `incident ${conflict.title}`)
    : h('a', { href: `#maintenance-${conflict.with}` }, `window ${conflict.title}`);
  return h('li', { class: 'conflict', dataset: { with: conflict.with } },
    h('strong', {}, 'Conflict'), ' with ', other, ` (${when(conflict.from)} to ${when(conflict.until)}): `,
    `${number(conflict.total)} ${conflict.total === 1 ? 'party is' : 'parties are'} worse together than with either alone: `,
    conflict.parties.slice(0, 8).map((p, i) => [i ? ', ' : '', h('a', { href: `${base}/nodes/${enc(p.id)}` }, p.name), ' ', stateBadge(p.state),
      h('span', { class: 'muted small' }, ` (alone: ${p.alone})`)]),
    conflict.total > 8 ? ` and ${number(conflict.total - 8)} more` : '');
}

/** The window's letters of its current phase, read when opened: the key travels in a header, so not a plain link. */
function lettersView(w, base) {
  const body = h('div', {});
  const details = h('details', { class: 'letters' }, h('summary', {}, 'Read the letters (planned, started, completed)'), body);
  details.addEventListener('toggle', async () => {
    if (!details.open || body.childElementCount) return;
    try {
      const letters = await api(`${base}/maintenances/${enc(w.id)}/notices?limit=20`);
      clear(body, letters.length === 0 ? h('p', { class: 'muted' }, 'Nobody to write to: its length spares them all.')
        : letters.map(l => h('details', { class: 'notice' }, h('summary', {}, l.name, ' ', stateBadge(l.state), ' ', l.subject), h('pre', { class: 'letter' }, l.message))));
    } catch (e) {
      clear(body, problemView(e));
    }
  });
  return details;
}

function windowCard(w, base, reload) {
  const cancel = session.mayEdit && (w.status === 'scheduled' || w.status === 'in-progress')
    ? h('button', { type: 'button', class: 'secondary', onclick: async () => { await api(`${base}/maintenances/${enc(w.id)}`, { method: 'DELETE' }); await reload(); } }, 'Cancel this window')
    : null;
  return h('article', { class: `card maintenance${w.conflicts.length ? ' has-conflicts' : ''}`, id: `maintenance-${w.id}`, dataset: { id: w.id } },
    h('h2', {}, w.title, ' ', statusBadge(w.status)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'When'), h('dd', {}, `${when(w.window.start)} to ${when(w.window.end)}`),
      h('dt', {}, 'Takes out'), h('dd', {}, w.outages.map((o, i) => [i ? ', ' : '', h('a', { href: `${base}/nodes/${enc(o.node)}` }, o.node), ` ${o.state}`])),
      h('dt', {}, 'Reaches'), h('dd', {}, `${number(w.impact.total)}: ${number(w.impact.counts.down)} down, ${number(w.impact.counts.degraded)} degraded, ${number(w.impact.counts.atRisk)} at risk`
        + (w.impact.sparedByLength ? `; ${number(w.impact.sparedByLength)} spared by its length` : '')),
      h('dt', {}, 'Letters'), h('dd', {}, w.notify ? lettersView(w, base) : 'none'),
      w.origin ? [h('dt', {}, 'From'), h('dd', {}, w.origin)] : null),
    w.conflicts.length ? h('ul', { class: 'conflicts' }, w.conflicts.map(c => conflictView(c, base))) : h('p', { class: 'muted' }, 'No conflicts.'),
    cancel);
}

/** A form that checks a window against everything planned and open (POST …/check) and, on request, schedules it. */
function planForm(graph, base, reload) {
  const field = (id, label, attrs) => [h('label', { for: id }, label), h('input', { id, name: id, ...attrs })];
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'plan-title' },
    h('h2', { id: 'plan-title' }, 'Plan a window'),
    field('plan-id', 'Id', { required: true, placeholder: 'sunday-drain', pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}' }),
    field('plan-title-text', 'Title', { required: true }),
    field('plan-node', 'Node taken out', { required: true }),
    field('plan-start', 'Start (UTC)', { type: 'datetime-local', required: true }),
    field('plan-end', 'End (UTC)', { type: 'datetime-local', required: true }),
    h('label', {}, h('input', { type: 'checkbox', id: 'plan-notify' }), ' Send letters to the parties it reaches'),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', value: 'check' }, 'Check for conflicts'),
      session.mayEdit ? h('button', { type: 'submit', value: 'schedule', class: 'secondary' }, 'Schedule it') : null),
    result);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const value = id => form.querySelector(`#${id}`).value;
    const body = {
      title: value('plan-title-text'), outages: [{ node: value('plan-node') }],
      window: { start: `${value('plan-start')}:00Z`, end: `${value('plan-end')}:00Z` }, notify: form.querySelector('#plan-notify').checked,
    };
    const schedule = event.submitter?.value === 'schedule';
    try {
      const answer = schedule
        ? await api(`${base}/maintenances/${enc(value('plan-id'))}`, { method: 'PUT', body })
        : await api(`${base}/maintenances/check`, { method: 'POST', body });
      clear(result, h('p', { role: 'status' }, schedule ? 'Scheduled. ' : 'Checked, not stored. ',
        `It reaches ${number(answer.impact.total)}; `, answer.conflicts.length ? `${answer.conflicts.length} conflict(s):` : 'no conflicts.'),
      answer.conflicts.length ? h('ul', { class: 'conflicts' }, answer.conflicts.map(c => conflictView(c, base))) : null);
      if (schedule) await reload();
    } catch (e) {
      clear(result, problemsOf(e));
    }
  });
  return form;
}

export async function maintenancesPage({ main, graph, signal }) {
  document.title = `Maintenance · ${graph} · ImpactMap`;
  const base = `/graphs/${enc(graph)}`;
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading maintenance windows…'));
  const show = async () => {
    const windows = await api(`${base}/maintenances`, { signal });
    const ahead = windows.filter(w => w.status === 'scheduled' || w.status === 'in-progress');
    const past = windows.filter(w => !ahead.includes(w));
    const conflicts = ahead.reduce((n, w) => n + w.conflicts.length, 0);
    clear(list,
      h('p', { class: conflicts ? 'conflict-summary' : 'muted', role: 'status' },
        ahead.length === 0 ? 'Nothing planned.' : `${ahead.length} window(s) ahead; ${conflicts ? `${conflicts} conflict(s) to resolve` : 'no conflicts'}.`),
      ahead.map(w => windowCard(w, base, show)),
      past.length ? h('details', {}, h('summary', {}, `Past and cancelled (${past.length})`), past.map(w => windowCard(w, base, show))) : null);
  };
  clear(main, h('h1', { tabindex: '-1' }, 'Maintenance'),
    h('p', {}, 'Planned work and what it takes down for its length, tolerances applied; two windows on the alternatives of one group, or a window during an incident, are flagged as conflicts.'),
    list, planForm(graph, base, show));
  try {
    await show();
  } catch (e) {
    clear(list, problemView(e));
  }
  const stop = followEvents(graph, {
    onEvent: type => { if (type.startsWith('maintenance.') || type.startsWith('incident.')) show().catch(e => { if (!signal.aborted) clear(list, problemView(e)); }); },
    onHealth: () => {},
  });
  return stop;
}
