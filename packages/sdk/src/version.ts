/** The name this SDK reports in `hello` and in event batches. */
export const SDK_NAME = '@unveil/sdk';

/** This SDK's version (kept equal to package.json's by a test). */
export const SDK_VERSION = '0.1.0';
