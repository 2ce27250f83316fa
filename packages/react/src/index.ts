/**
 * `@unveil/react`: a provider and hooks over `@unveil/sdk`. Each hook subscribes to its own flag, so a
 * change re-renders only the components that read the flag that changed; server-side rendering works from
 * a client created with `bootstrap`.
 */
export { REACT_ERROR_CODES, UnveilReactError, type UnveilReactErrorCode } from './errors.js';
export { UnveilProvider, type UnveilProviderProps, useUnveilClient } from './unveil-provider.js';
export { useFlag, useFlagDetail } from './use-flag.js';
export { useUnveilStatus } from './use-unveil-status.js';
