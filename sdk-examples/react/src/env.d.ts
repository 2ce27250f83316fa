interface ImportMetaEnv {
  /** A client key built into the page by example-server.ts (from `UNVEIL_CLIENT_KEY`); may be empty. */
  readonly UNVEIL_CLIENT_KEY: string | undefined;
}
