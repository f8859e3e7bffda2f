// A few helpers to build the DOM without HTML strings: text is always text, never markup.

const SVG = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.setAttribute('class', value);
    else if (name === 'text') el.textContent = value;
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'value' && 'value' in el) el.value = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** An HTML element: h('a', {href: '/'}, 'Home'). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  return append(el, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  apply(el, attrs);
  return append(el, children);
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const number = n => n.toLocaleString('en-GB');

const STATES = {
  down: { label: 'Down', glyph: '■' },
  degraded: { label: 'Degraded', glyph: '◆' },
  'at-risk': { label: 'At risk', glyph: '▲' },
  up: { label: 'Up', glyph: '●' },
};

/** A state as a badge: a shape and a word as well as a colour, so it never rests on colour alone. */
export function stateBadge(state) {
  const known = STATES[state] ?? { label: state, glyph: '?' };
  return h('span', { class: `state state-${state}` }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, known.glyph), ' ', known.label);
}

export const stateLabel = state => (STATES[state]?.label ?? state).toLowerCase();
export const stateGlyph = state => STATES[state]?.glyph ?? '?';

/** An ISO 8601 duration as the API writes it (P1DT2H30M5S) in [days, hours, minutes, seconds]; null when not one. */
export function durationParts(iso) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(iso ?? '');
  return m ? m.slice(1).map(v => Number(v ?? 0)) : null;
}

/** An ISO 8601 duration in seconds (0 when not one). */
export function durationSeconds(iso) {
  const [days, hours, minutes, seconds] = durationParts(iso) ?? [0, 0, 0, 0];
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

/** ISO 8601 duration (PT1H30M) as words: "at once", "after 1 h 30 min". */
export function afterWords(iso) {
  const given = durationParts(iso);
  if (!given) return iso ?? '';
  const [days, hours, minutes, seconds] = given;
  const parts = [];
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds) parts.push(`${Math.round(seconds)} s`);
  return parts.length === 0 ? 'at once' : `after ${parts.join(' ')}`;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function pageHref(path, query) {
  const search = new URLSearchParams();
  for (const [name, value] of query ?? []) search.append(name, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

export const enc = encodeURIComponent;

/** The id after a name that another listed item shares ("petstore" twice in a Backstage catalog), so that rows tell apart. */
export function idIfNameShared(items, item, id) {
  return items.some(other => other !== item && other.name === item.name) ? [' ', h('code', { class: 'muted small' }, id)] : null;
}

/**
 * A name inside running text, between Unicode's first-strong and pop isolates: right-to-left script, or an override
 * a catalog smuggled into a name, stays within the name instead of reversing the sentence around it.
 */
export const isolate = text => `\u2068${text}\u2069`;

/** A table that may be wider than a phone: it scrolls sideways in its own box, never the whole page. */
export function wide(table) {
  const caption = table.querySelector('caption')?.textContent ?? 'Table';
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `${caption} (scrolls sideways)` }, table);
}

/** Lets the browser paint and handle input between two pieces of long work. */
export const nextTask = () => (globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise(resolve => setTimeout(resolve, 0)));

/** Offers content as a file download, as a link the user clicked would. */
export function saveFile(content, type, name) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: the browser may still be reading it.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
