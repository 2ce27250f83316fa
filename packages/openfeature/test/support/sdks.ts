/**
 * Both OpenFeature SDKs as this package resolves them, for the end-to-end tests under test/ (whose own
 * package does not depend on OpenFeature): the providers must meet the same singletons the tests use.
 */
export {
  ErrorCode,
  OpenFeature as ServerOpenFeature,
  ProviderStatus as ServerProviderStatus,
} from '@openfeature/server-sdk';
export { OpenFeature as WebOpenFeature, ProviderStatus as WebProviderStatus } from '@openfeature/web-sdk';
