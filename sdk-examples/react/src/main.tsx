/**
 * The page's entry: one Unveil client for the page, created outside React (a component would create one
 * per mount), then the app. Page parameters: `?user=alice` (who the flags are for), `?key=unv_cli_…` (a
 * client key, when none was built in), `?server=http://localhost:4000` (talk to Unveil directly,
 * cross-origin, instead of through the dev server's proxy).
 */
import { createClient } from '@unveil/sdk';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

const params = new URLSearchParams(location.search);
const sdkKey = params.get('key') ?? import.meta.env.UNVEIL_CLIENT_KEY;
const root = createRoot(document.getElementById('root')!);

if (!sdkKey?.startsWith('unv_cli_')) {
  root.render(
    <p>
      No client key: start the app with <code>UNVEIL_CLIENT_KEY=unv_cli_…</code> or open it as{' '}
      <code>/?key=unv_cli_…</code> (<code>npx pnpm@10 start</code> prints one).
    </p>,
  );
} else {
  // Only client keys belong in a browser: they see flags marked `clientSide`, with targeting lists hashed.
  const client = createClient({ url: params.get('server') ?? location.origin, sdkKey });
  Object.assign(window, { unveil: client });
  root.render(
    <StrictMode>
      <App client={client} initialUser={params.get('user') ?? 'visitor-1'} />
    </StrictMode>,
  );
}
