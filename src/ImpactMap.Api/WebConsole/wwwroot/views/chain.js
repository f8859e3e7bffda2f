import { h, stateLabel } from '../dom.js';

/** The nodes of an explaining chain, the node first and its origin last, from the path the API gives (origin first). */
export function chainOf(path, byId) {
  return path.slice().reverse().map(id => byId.get(id) ?? { id, name: id, state: 'down' });
}

/**
 * The chain in words: "Acme's shoppers is degraded because it depends on …, which depends on …, which is down.", each
 * name in a bdi of its own, so that right-to-left text or an override inside a name never reverses the sentence.
 */
export function chainWords(chain) {
  const [node] = chain;
  const name = n => h('bdi', {}, n.name);
  if (chain.length === 1) return [name(node), ` is where this outage starts: ${stateLabel(node.state)}.`];
  const origin = chain[chain.length - 1];
  const steps = chain.slice(1).flatMap((n, i) => [i === 0 ? 'it depends on ' : ', which depends on ', name(n)]);
  return [name(node), ` is ${stateLabel(node.state)} because `, ...steps, `, which is ${stateLabel(origin.state)}.`];
}
