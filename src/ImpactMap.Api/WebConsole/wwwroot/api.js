// The service's API, same origin, with the API key the user gave (sessionStorage only; never in a URL).

const KEY_ITEM = 'impactmap.apiKey';

export const session = {
  // Read from sessionStorage each time: the tab's storage is the only place the key lives.
  get key() { return sessionStorage.getItem(KEY_ITEM); },
  access: null,
  get mayEdit() { return this.access !== null && this.access.role !== 'reader'; },
  setKey(key) {
    if (key) sessionStorage.setItem(KEY_ITEM, key); else sessionStorage.removeItem(KEY_ITEM);
  },
};

/** A refused request: status and the problem document the service sent. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  /** Problems by path ("whatHappened", "prevention[0].due"), for showing each next to its field. */
  get problems() { return this.problem.problems ?? []; }
}

export function headers(extra) {
  const all = { ...extra };
  if (session.key) all['X-Api-Key'] = session.key;
  return all;
}

/** GET/POST/PUT under /v1; resolves to JSON (or text for other Accept types), throws ApiError. */
export async function api(path, { method = 'GET', body, accept = 'application/json', signal, raw = false } = {}) {
  const init = { method, headers: headers({ Accept: accept }), signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/v1${path}`, init);
  if (!response.ok) {
    let problem;
    try { problem = await response.json(); } catch { problem = { title: response.statusText }; }
    throw new ApiError(response.status, problem);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return accept.includes('json') ? response.json() : response.text();
}

/** Who the key is (or that the service is open); null when a key is needed and not (or wrongly) given. */
export async function loadAccess() {
  try {
    session.access = await api('/access');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session.access = null;
      return null;
    }
    throw e;
  }
  return session.access;
}

/** Every page of an impact answer in one: fetchPage(cursor) asks for the page after cursor (undefined first). */
export async function wholeRadius(fetchPage) {
  let answer = null;
  let cursor;
  do {
    const page = await fetchPage(cursor);
    if (answer) answer.affected.push(...page.affected); else answer = page;
    cursor = page.nextCursor;
  } while (cursor);
  return answer;
}
