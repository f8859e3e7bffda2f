import { stateLabel } from '../dom.js';

/** The explaining chain of a node, origin last, by following each node's via (every via is itself hit). */
export function chainOf(node, byId) {
  const chain = [node];
  let current = node;
  // A chain is never longer than its depth; the bound also guards against a malformed answer.
  for (let steps = node.depth; steps > 0 && current.via; steps--) {
    current = byId.get(current.via);
    if (!current) break;
    chain.push(current);
  }
  return chain;
}

/** The chain in words: "Acme's shoppers is degraded because it depends on …, which depends on …, which is down." */
export function chainWords(node, byId) {
  if (node.depth === 0) return `${node.name} is where this outage starts: ${stateLabel(node.state)}.`;
  const chain = chainOf(node, byId);
  const origin = chain[chain.length - 1];
  const steps = chain.slice(1).map((n, i) => (i === 0 ? `it depends on ${n.name}` : `which depends on ${n.name}`));
  return `${node.name} is ${stateLabel(node.state)} because ${steps.join(', ')}, which is ${stateLabel(origin.state)}.`;
}
