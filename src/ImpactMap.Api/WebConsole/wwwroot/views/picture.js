// The blast radius as a picture: origins on the left, the hit nodes in columns by depth, coloured by state (and
// marked by shape, since colour alone says nothing to some), with the edges of the explaining chains. Above a few
// hundred nodes, or a few dozen depths, it draws counts per depth and kind instead of a hairball.

import { h, s, clear, number, stateGlyph, stateLabel } from '../dom.js';

export const DETAIL_LIMIT = 300;
const MAX_COLUMNS = 24;
const COLUMN = 210;
const BOX_W = 180;
// Boxes of the detailed picture widen to the longest name up to this, so that names are read whole ("Acme webshop
// (merchandise)" was cut at "(merch"); the title and the screen reader's label always carry the whole name.
const MAX_BOX_W = 420;
const NAME_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif';

/** The box width that holds the longest of these names (glyph and padding included), between BOX_W and MAX_BOX_W. */
let measure = null;
function boxWidthFor(nodes) {
  measure ??= document.createElement('canvas').getContext('2d');
  const context = measure;
  if (!context) return BOX_W;
  // Customers' names are drawn bold (app.css), so they are measured bold.
  const longest = nodes.reduce((most, node) => {
    context.font = node.kind === 'customer' ? `700 ${NAME_FONT}` : NAME_FONT;
    return Math.max(most, context.measureText(node.name).width);
  }, 0);
  return Math.min(MAX_BOX_W, Math.max(BOX_W, Math.ceil(longest) + 38));
}
const BOX_H = 24;
const ROW = 32;
const GROUP_H = 58;
const GROUP_GAP = 12;
const EXPANDED_LIMIT = 60;
const STATE_ORDER = ['down', 'degraded', 'at-risk'];

function nodeBox(node, x, y, selected, onSelect, boxW = BOX_W) {
  const expected = node.hit === false;
  const label = `${node.name}: ${expected ? 'expected ' : ''}${stateLabel(node.state)}, ${node.kind}, depth ${node.depth}`;
  const g = s('g', {
    class: `pnode state-${node.state}${node.kind === 'customer' ? ' customer' : ''}${selected ? ' selected' : ''}${expected ? ' expected' : ''}`,
    transform: `translate(${x},${y})`, tabindex: '0', role: 'button', 'aria-label': label, dataset: { id: node.id },
    onclick: () => onSelect(node.id),
    onkeydown: event => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); onSelect(node.id); } },
  },
  s('title', {}, label),
  s('rect', { width: boxW, height: BOX_H, rx: node.kind === 'customer' ? 12 : 3 }),
  s('text', { x: 8, y: 16, 'aria-hidden': 'true' }, stateGlyph(node.state)),
  // The whole name, clipped by the box: what is seen stays part of what a screen reader hears.
  s('svg', { x: 22, y: 0, width: boxW - 26, height: BOX_H }, s('text', { x: 0, y: 16 }, node.name)));
  return g;
}

function columnLabel(svg, x, text) {
  svg.append(s('text', { class: 'column-label', x, y: 14 }, text));
}

/** Columns of depths: one per depth when few, else ranges of depths (1–10, 11–20, …) after the origins. */
function columnsFor(maxDepth) {
  if (maxDepth < MAX_COLUMNS) return { of: d => d, count: maxDepth + 1, label: c => (c === 0 ? 'Origins' : `Depth ${c}`) };
  const size = Math.ceil(maxDepth / (MAX_COLUMNS - 1));
  return {
    of: d => (d === 0 ? 0 : 1 + Math.floor((d - 1) / size)),
    count: MAX_COLUMNS,
    label: c => (c === 0 ? 'Origins' : `Depths ${(c - 1) * size + 1}–${Math.min(maxDepth, c * size)}`),
  };
}

function detailed(radius, selection, onSelect) {
  const nodes = [...radius.origins, ...radius.affected];
  const columns = new Map();
  for (const node of nodes) {
    if (!columns.has(node.depth)) columns.set(node.depth, []);
    columns.get(node.depth).push(node);
  }
  // Each depth as wide as its longest name: whole names without every column taking the widest one's room.
  const maxDepth = Math.max(0, ...columns.keys());
  const boxWs = Array.from({ length: maxDepth + 1 }, (_, d) => boxWidthFor(columns.get(d) ?? []));
  const xs = boxWs.reduce((at, w, d) => [...at, at[d] + w + COLUMN - BOX_W], [0]);
  const place = new Map();
  let tallest = 0;
  for (const [depth, column] of columns) {
    column.forEach((node, row) => place.set(node.id, { x: xs[depth] + 8, y: 24 + row * ROW, w: boxWs[depth] }));
    tallest = Math.max(tallest, column.length);
  }
  const width = xs[maxDepth + 1];
  const height = 24 + tallest * ROW;
  // The selected chain's own hops, drawn over the via edges: they can differ where a node worsened later.
  const hops = new Set(selection.chain.slice(1).map((n, i) => `${n.id}>${selection.chain[i].id}`));
  const svg = s('svg', { class: 'picture', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': 'Blast radius picture: origins on the left, hit nodes by depth' });
  for (let d = 0; d <= maxDepth; d++) columnLabel(svg, xs[d] + 8, d === 0 ? 'Origins' : `Depth ${d}`);
  const edges = s('g', { class: 'edges', 'aria-hidden': 'true' });
  const edge = (fromId, toId, cls) => {
    const from = place.get(fromId);
    const to = place.get(toId);
    if (!from || !to) return;
    const x1 = from.x + from.w;
    const y1 = from.y + BOX_H / 2;
    const x2 = to.x;
    const y2 = to.y + BOX_H / 2;
    const bend = (x2 - x1) / 2;
    edges.append(s('path', { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, class: cls }));
  };
  for (const node of radius.affected) {
    if (!hops.has(`${node.via}>${node.id}`)) edge(node.via, node.id, null);
  }
  for (const hop of hops) edge(...hop.split('>'), 'chain');
  svg.append(edges);
  for (const node of nodes) {
    const at = place.get(node.id);
    svg.append(nodeBox(node, at.x, at.y, node.id === selection.id, onSelect, at.w));
  }
  return svg;
}

function aggregated(radius, expanded, onToggle, onSelect, selection) {
  const maxDepth = radius.affected.reduce((max, n) => Math.max(max, n.depth), 0);
  const columns = columnsFor(maxDepth);
  // Per column, per kind: the nodes and their counts by state.
  const groups = Array.from({ length: columns.count }, () => new Map());
  for (const node of [...radius.origins, ...radius.affected]) {
    const column = groups[columns.of(node.depth)];
    if (!column.has(node.kind)) column.set(node.kind, { kind: node.kind, nodes: [], counts: { down: 0, degraded: 0, 'at-risk': 0 } });
    const group = column.get(node.kind);
    group.nodes.push(node);
    group.counts[node.state] = (group.counts[node.state] ?? 0) + 1;
  }
  let height = 0;
  const layout = groups.map((column, c) => {
    let y = 24;
    const placed = [...column.values()].sort((a, b) => b.nodes.length - a.nodes.length).map(group => {
      const key = `${c}:${group.kind}`;
      const open = expanded.has(key);
      const shown = open ? group.nodes.slice(0, EXPANDED_LIMIT) : [];
      const at = { group, key, open, shown, y };
      y += GROUP_H + shown.length * ROW + (open && group.nodes.length > EXPANDED_LIMIT ? 20 : 0) + GROUP_GAP;
      return at;
    });
    height = Math.max(height, y);
    return placed;
  });
  const width = columns.count * COLUMN;
  const svg = s('svg', { class: 'picture', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': 'Blast radius picture, aggregated: counts per depth and kind' });
  layout.forEach((column, c) => {
    const x = c * COLUMN + 8;
    if (column.length) columnLabel(svg, x, columns.label(c));
    for (const { group, key, open, shown, y } of column) {
      const total = group.nodes.length;
      const label = `${columns.label(c)}, ${group.kind}: ${number(total)}; ${STATE_ORDER.filter(st => group.counts[st]).map(st => `${number(group.counts[st])} ${stateLabel(st)}`).join(', ')}. ${open ? 'Collapse' : 'Expand'}.`;
      const bar = s('g', { class: 'bar' });
      let offset = 0;
      for (const state of STATE_ORDER) {
        const part = group.counts[state] ?? 0;
        if (!part) continue;
        const w = (part / total) * BOX_W;
        bar.append(s('rect', { class: `seg state-${state}`, x: offset, y: 38, width: Math.max(w, 1), height: 10 }));
        offset += w;
      }
      svg.append(s('g', {
        class: `pgroup${group.kind === 'customer' ? ' customer' : ''}${open ? ' open' : ''}`,
        transform: `translate(${x},${y})`, tabindex: '0', role: 'button', 'aria-expanded': String(open), 'aria-label': label, dataset: { key },
        onclick: () => onToggle(key),
        onkeydown: event => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); onToggle(key); } },
      },
      s('title', {}, label),
      s('rect', { class: 'frame', width: BOX_W, height: GROUP_H - 4, rx: group.kind === 'customer' ? 12 : 4 }),
      s('text', { x: 8, y: 16 }, `${open ? '▾' : '▸'} ${group.kind} · ${number(total)}`),
      s('text', { x: 8, y: 32, class: 'small' }, STATE_ORDER.filter(st => group.counts[st]).map(st => `${stateGlyph(st)}${number(group.counts[st])}`).join('  ')),
      bar));
      shown.forEach((node, i) => svg.append(nodeBox(node, x, y + GROUP_H + i * ROW, node.id === selection.id, onSelect)));
      if (open && total > EXPANDED_LIMIT) {
        svg.append(s('text', { class: 'small', x: x + 4, y: y + GROUP_H + shown.length * ROW + 12 }, `and ${number(total - EXPANDED_LIMIT)} more: see the table`));
      }
    }
  });
  return svg;
}

/** Draws the picture into a host element; call again with a new selection to redraw. */
export function drawPicture(host, radius, { selection, expanded, onSelect, onToggle }) {
  const count = radius.origins.length + radius.affected.length;
  const deepest = radius.affected.reduce((max, n) => Math.max(max, n.depth), 0);
  const whole = count <= DETAIL_LIMIT && deepest < MAX_COLUMNS;
  clear(host,
    h('p', { class: 'legend' },
      whole ? 'Each box is a node; lines are the chains that explain each hit. ' : `${number(count)} nodes: counted per depth and kind (select a group to expand it). `,
      'Rounded boxes with a bold border are customers. ',
      STATE_ORDER.map(st => h('span', { class: `key state-${st}` }, `${stateGlyph(st)} ${stateLabel(st)}`))),
    h('div', { class: 'picture-scroll', tabindex: '0', role: 'region', 'aria-label': 'Blast radius picture' },
      whole ? detailed(radius, selection, onSelect) : aggregated(radius, expanded, onToggle, onSelect, selection)));
}
