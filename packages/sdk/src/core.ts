/**
 * The parts of @unveil/core the SDK runs, imported file by file from core's sources instead of through
 * its index (ADR 0005). The SDK's builds bundle them, so that the browser build can keep the optional
 * operator families — the regex engine above all — in chunks of their own that load only when a
 * snapshot uses them: bundlers assign whole files to chunks, and core's index reaches every family.
 * Types still come from `@unveil/core`.
 */
export { compileFlags } from '../../core/src/compile-snapshot.js';
export { BASIC_OPERATORS } from '../../core/src/operators/basic.js';
export { RESULT_TAG } from '../../core/src/result.js';
export { asContext, typedDetail } from '../../core/src/typed-detail.js';
export { patchedSnapshot } from '../../core/src/wire.js';
