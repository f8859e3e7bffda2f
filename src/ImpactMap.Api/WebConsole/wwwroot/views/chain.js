import { stateLabel } from '../dom.js';

/** The nodes of an explaining chain, the node first and its origin last, from the path the API gives (origin first). */
export function chainOf(path, byId) {
  return path.slice().reverse().map(id => byId.get(id) ?? { id, name: id, state: 'down' });
}

/** The chain in words: "Acme's shoppers is degraded because it depends on …, which depends on …, which is down." */
export function chainWords(chain) {
  const [node] = chain;
  if (chain.length === 1) return `${node.name} is where this outage starts: ${stateLabel(node.state)}.`;
  const origin = chain[chain.length - 1];
  const steps = chain.slice(1).map((n, i) => (i === 0 ? `it depends on ${n.name}` : `which depends on ${n.name}`));
  return `${node.name} is ${stateLabel(node.state)} because ${steps.join(', ')}, which is ${stateLabel(origin.state)}.`;
}
