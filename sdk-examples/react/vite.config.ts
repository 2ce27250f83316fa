import { defineConfig } from 'vite';
import { exampleConfig } from './example-server.js';

// UNVEIL_CLIENT_KEY: a client key (unv_cli_…), built into the page; UNVEIL_URL: the Unveil server;
// PORT: where the app is served.
export default defineConfig(
  exampleConfig({
    unveilUrl: process.env.UNVEIL_URL ?? 'http://localhost:4000',
    ...(process.env.UNVEIL_CLIENT_KEY ? { clientKey: process.env.UNVEIL_CLIENT_KEY } : {}),
    port: Number(process.env.PORT ?? 5174),
  }),
);
