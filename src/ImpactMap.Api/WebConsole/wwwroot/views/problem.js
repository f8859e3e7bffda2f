import { h } from '../dom.js';
import { ApiError } from '../api.js';

const HELP = {
  401: 'The API key was not accepted.',
  403: 'Your API key may not do this.',
  404: 'Not found: it does not exist, or your key may not see it.',
  429: 'Too many requests: wait a moment and try again.',
  503: 'The service is busy or its store is unavailable: try again shortly.',
};

/** A refused request, plainly: the status, what it means, and what the service said. */
export function problemView(error) {
  if (error instanceof ApiError) {
    return h('div', { class: 'problem', role: 'alert' },
      h('p', { class: 'problem-title' }, `${error.status} ${error.problem.title ?? ''}`),
      HELP[error.status] ? h('p', {}, HELP[error.status]) : null,
      error.problem.detail ? h('p', {}, error.problem.detail) : null);
  }
  return h('div', { class: 'problem', role: 'alert' }, h('p', {}, String(error?.message ?? error)));
}

/** Each problem listed under its path when the service named them (400, 422), else the problem as a whole. */
export function problemsOf(error) {
  return error instanceof ApiError && error.problems.length
    ? h('ul', { class: 'field-problem', role: 'alert' }, error.problems.map(p => h('li', {}, `${p.path}: ${p.message}`)))
    : problemView(error);
}
