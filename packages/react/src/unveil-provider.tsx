import type { EvaluationContext, UnveilClient } from '@unveil/sdk';
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { UnveilReactError } from './errors.js';
import { sameValue } from './same-value.js';

/** What the hooks below a provider evaluate with. */
export interface UnveilScope {
  client: UnveilClient;
  /** The evaluation context; undefined: the client's own default context. */
  context: EvaluationContext | undefined;
}

const ScopeContext = createContext<UnveilScope | undefined>(undefined);

export interface UnveilProviderProps {
  /**
   * The client the hooks read, created with `createClient` once per page (browser) or per request
   * (server-side rendering, with `bootstrap` and `offline: true`). The provider never closes it.
   */
  client: UnveilClient;
  /**
   * Who the flags are evaluated for (e.g. `{ key: user.id, plan: user.plan }`). Changing it — a user
   * signs in — re-evaluates every flag below; passing an equal object again (a new literal on each
   * render) does not. Omitted: the client's default context (`createClient({ context })`).
   */
  context?: EvaluationContext | undefined;
  children?: ReactNode;
}

/**
 * Makes a client, and the context to evaluate with, available to `useFlag`, `useFlagDetail`,
 * `useUnveilStatus` and `useUnveilClient` below. Providers nest: an inner one may evaluate the same
 * client for another context.
 */
export function UnveilProvider({ client, context, children }: UnveilProviderProps): ReactNode {
  const stableContext = useEqualValue(context);
  const scope = useMemo<UnveilScope>(() => ({ client, context: stableContext }), [client, stableContext]);
  return <ScopeContext.Provider value={scope}>{children}</ScopeContext.Provider>;
}

/** The nearest provider's scope; `hook` names the caller in the error thrown without one. */
export function useUnveilScope(hook: string): UnveilScope {
  const scope = useContext(ScopeContext);
  if (scope === undefined) throw new UnveilReactError('UNVEIL_ERR_REACT_NO_PROVIDER', `${hook}() needs one`);
  return scope;
}

/** The client of the nearest `<UnveilProvider>`, for what the hooks do not cover (`track`, `flush`). */
export function useUnveilClient(): UnveilClient {
  return useUnveilScope('useUnveilClient').client;
}

/**
 * `value`, or the earlier value it is structurally equal to: an inline `context={{ key: id }}` must not
 * look like a new user on every render, or every flag below would re-evaluate each time.
 */
function useEqualValue<T>(value: T): T {
  const [kept, keep] = useState(value);
  if (kept === value || sameValue(kept, value)) return kept;
  // Updating state while rendering is React's way to derive state from props: it re-renders this
  // component at once, before its children.
  keep(() => value);
  return value;
}
