import { DEMO_RELEASE, type DemoKeys } from './seed-demo.js';

/** The next steps the quickstart prints, with the keys that exist only in this message. */
export function quickstartMessage(
  baseUrl: string,
  adminKey: string | undefined,
  demo: DemoKeys | undefined,
): string {
  const lines = ['', `Unveil is running at ${baseUrl}`, ''];
  if (adminKey !== undefined) lines.push('Admin key (shown once, store it):', `  ${adminKey}`, '');
  if (demo !== undefined) {
    lines.push(
      `Demo data seeded in environment "${demo.environment}" (flags: new-checkout, banner-color, search-page-size, pricing-rules).`,
      'SDK keys (shown once):',
      `  server: ${demo.serverKey}`,
      `  client: ${demo.clientKey}`,
      '',
      'Try:',
      `  curl -s ${baseUrl}/sdk/v1/config -H 'authorization: Bearer ${demo.serverKey}'`,
      `  curl -s ${baseUrl}/sdk/v1/evaluate -H 'authorization: Bearer ${demo.clientKey}' -H 'content-type: application/json' -d '{"context":{"key":"alice"}}'`,
    );
    if (adminKey !== undefined) {
      lines.push(
        `  curl -s ${baseUrl}/api/v1/flags -H 'authorization: Bearer ${adminKey}'`,
        `  curl -s -X PUT ${baseUrl}/api/v1/environments/${demo.environment}/flags/banner-color -H 'authorization: Bearer ${adminKey}' -H 'content-type: application/json' -d '{"enabled":true,"offVariant":"blue","fallthrough":{"variant":"green"},"reason":"try a green banner"}'`,
        '',
        `Release "${DEMO_RELEASE}" waits as a draft (10 % → 50 % after 1 h → 100 % a day later). Start it, then read its plan:`,
        `  curl -s -X POST ${baseUrl}/api/v1/environments/${demo.environment}/releases/${DEMO_RELEASE}/schedule -H 'authorization: Bearer ${adminKey}' -H 'content-type: application/json' -d '{"reason":"try a staged release"}'`,
        `  curl -s ${baseUrl}/api/v1/environments/${demo.environment}/releases/${DEMO_RELEASE}/preview -H 'authorization: Bearer ${adminKey}'`,
      );
    }
    lines.push('', `API reference: ${baseUrl}/api/v1/openapi.json`);
  }
  if (adminKey === undefined && demo === undefined) {
    lines.push(
      'Existing data: keys were printed on the first start. Delete the data directory to start over.',
    );
  }
  lines.push('');
  return lines.join('\n');
}
