import { UnveilProvider, useFlag, useFlagDetail, useUnveilStatus } from '@unveil/react';
import type { UnveilClient } from '@unveil/sdk';
import { useState } from 'react';

const USERS = ['visitor-1', 'alice', 'bob', 'carol'];

/**
 * Three components, each reading one flag: when a flag changes, only the component reading it
 * re-renders. Switching user changes the provider's context, which re-evaluates every flag for them.
 */
export function App({ client, initialUser }: { client: UnveilClient; initialUser: string }) {
  const [user, setUser] = useState(initialUser);
  return (
    // A new context object on each render is fine: the provider compares its contents.
    <UnveilProvider client={client} context={{ key: user }}>
      <header>
        <h1>Unveil + React</h1>
        <label>
          user{' '}
          <select value={user} onChange={(event) => setUser(event.target.value)}>
            {[...new Set([...USERS, initialUser])].map((key) => (
              <option key={key}>{key}</option>
            ))}
          </select>
        </label>
      </header>
      <Status />
      <Banner />
      <Checkout />
      <SearchPageSize />
    </UnveilProvider>
  );
}

function Status() {
  const state = useUnveilStatus();
  return (
    <p className="status" data-state={state}>
      {state === 'ready' ? 'live' : state}
    </p>
  );
}

/** A string flag: the banner's colour. */
function Banner() {
  const color = useFlag('banner-color', '#6b7280');
  return (
    <section data-flag="banner-color" className="banner" style={{ background: color }}>
      <h2>banner-color</h2>
      {/* Keyed by the value only to replay the highlight when it changes. */}
      <code key={color} data-value>
        {color}
      </code>
    </section>
  );
}

/** A boolean flag with its reason: beta testers (alice, bob) get it, then 25 % of everyone else. */
function Checkout() {
  const { value, reason } = useFlagDetail('new-checkout', false);
  return (
    <section data-flag="new-checkout">
      <h2>new-checkout</h2>
      <span key={String(value)} data-value>
        {String(value)}
      </span>{' '}
      <span className="why">
        {value ? 'the new checkout' : 'the classic checkout'} ({reason})
      </span>
    </section>
  );
}

/** A server-only flag: client keys never receive it, so the page gets the default and says why. */
function SearchPageSize() {
  const { value, errorCode } = useFlagDetail('search-page-size', 20);
  return (
    <section data-flag="search-page-size">
      <h2>search-page-size</h2>
      <span data-value>{value}</span>{' '}
      <span className="why">
        {errorCode === 'FLAG_NOT_FOUND'
          ? 'the default (FLAG_NOT_FOUND): client keys never receive server-only flags'
          : errorCode}
      </span>
    </section>
  );
}
