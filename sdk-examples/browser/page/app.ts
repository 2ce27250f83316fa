/**
 * The page's script: one client with a client key (it sees only flags marked `clientSide`), every flag
 * rendered for one user, re-rendered on each change. Bundled for the browser by ../server.ts (esbuild).
 */
import { createClient, type JsonValue } from '@unveil/sdk';

const params = new URLSearchParams(location.search);
const meta = document.querySelector<HTMLMetaElement>('meta[name="unveil-client-key"]');
const sdkKey = params.get('key') ?? meta?.content ?? '';
const user = params.get('user') ?? 'visitor-1';
// By default the Unveil server is reached through this page's origin (server.ts proxies /sdk/*);
// ?server=http://localhost:4000 talks to it directly, cross-origin (its SDK endpoints send CORS headers).
const url = params.get('server') ?? location.origin;
// ?poll=1000: no stream, poll GET /sdk/v1/config every second instead.
const poll = Number(params.get('poll'));

const status = document.getElementById('status')!;
const table = document.getElementById('flags')!;

if (!sdkKey.startsWith('unv_cli_')) {
  status.textContent = 'No client key: open this page as /?key=unv_cli_… (npx pnpm@10 start prints one).';
} else {
  const client = createClient({
    url,
    sdkKey,
    context: { key: user },
    ...(poll > 0 ? { streaming: false, pollIntervalMs: poll } : {}),
  });
  const render = (changed: readonly string[] = []) => {
    status.dataset.state = client.state;
    status.dataset.version = String(client.version ?? '');
    status.textContent = `${client.state}, configuration version ${client.version ?? '–'}, user ${user}, ${poll > 0 ? `polling ${url}` : `streaming from ${url}`}`;
    const rows = Object.entries(client.all()).map(([key, result]) => {
      const row = document.createElement('tr');
      row.dataset.flag = key;
      if (changed.includes(key)) row.className = 'changed';
      const name = document.createElement('td');
      name.textContent = key;
      const value = document.createElement('td');
      value.className = 'value';
      value.append(...show(result.value));
      const reason = document.createElement('td');
      reason.textContent = result.reason;
      row.append(name, value, reason);
      return row;
    });
    table.replaceChildren(...rows);
  };
  client.on('change', render);
  client.on('stale', () => render());
  client.on('reconnected', () => render());
  void client.ready().then(() => render());
  Object.assign(window, { unveil: client });
}

/** A value as text; a colour (`#1d4ed8`) also as a swatch. */
function show(value: JsonValue | undefined): Node[] {
  const text = document.createTextNode(typeof value === 'string' ? value : JSON.stringify(value ?? null));
  if (typeof value !== 'string' || !/^#[0-9a-f]{3,8}$/i.test(value)) return [text];
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.background = value;
  return [swatch, text];
}
