/**
 * A document for React in tests that run on Node, next to a real Unveil server in the same process:
 * happy-dom's `window`, `document` and (Node 20 has none) `navigator` become globals, and nothing else
 * changes. Vitest's happy-dom
 * environment would also replace Node's URL, fetch, AbortSignal and WebSocket for every module — the
 * server's included, whose `new URL(path, import.meta.url)` then resolves against the page's address —
 * and make dependencies load their browser builds.
 *
 * Import it first: react-dom decides when it loads whether there is a DOM.
 */
import { Window } from 'happy-dom';
import { afterAll } from 'vitest';

const window = new Window({ url: 'http://localhost/' });
Object.assign(globalThis, { window, document: window.document });
if (!('navigator' in globalThis)) Object.assign(globalThis, { navigator: window.navigator });

afterAll(async () => {
  await window.happyDOM.close();
});
