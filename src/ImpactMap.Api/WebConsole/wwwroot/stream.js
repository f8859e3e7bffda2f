// Server-Sent Events read with fetch, so the API key travels in a header (EventSource cannot send one);
// reconnects with Last-Event-ID and says how the stream is doing.

import { headers } from './api.js';

/**
 * Follows a graph's events until closed. onEvent(type, data) for each event; onHealth('live' | 'connecting' |
 * 'reconnecting' | 'refused', detail) whenever that changes.
 */
export function followEvents(graph, { onEvent, onHealth }) {
  const controller = new AbortController();
  let lastId = null;
  let attempt = 0;

  async function connect() {
    while (!controller.signal.aborted) {
      onHealth(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const response = await fetch(`/v1/graphs/${encodeURIComponent(graph)}/events`, {
          headers: headers(lastId === null ? { Accept: 'text/event-stream' } : { Accept: 'text/event-stream', 'Last-Event-ID': lastId }),
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          onHealth('refused', `HTTP ${response.status}`);
          return;
        }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        attempt = 0;
        onHealth('live');
        await read(response.body);
      } catch (e) {
        if (controller.signal.aborted) return;
      }
      attempt++;
      // Back off up to 15 s, so a restarting service is not hammered.
      const delay = Math.min(15000, 500 * 2 ** Math.min(attempt, 5));
      onHealth('reconnecting');
      await new Promise(resolve => setTimeout(resolve, delay));
    }
  }

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  function dispatch(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') lastId = value;
    }
    if (data.length === 0) return;
    try { onEvent(type, JSON.parse(data.join('\n'))); } catch { /* not JSON: not ours to show */ }
  }

  connect();
  return () => controller.abort();
}

/** The stream's health as words and a dot, for the page header. */
export function healthText(health) {
  return {
    connecting: 'Connecting to live updates…',
    live: 'Live: updates appear as they happen',
    reconnecting: 'Live updates lost; reconnecting…',
    refused: 'Live updates refused',
  }[health] ?? health;
}
