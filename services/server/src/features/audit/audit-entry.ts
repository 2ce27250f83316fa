/** What an audit entry can be about. */
export const AUDIT_RESOURCE_TYPES = [
  'environment',
  'flag',
  'flag-config',
  'segment',
  'api-key',
  'release',
  'freeze',
  'change-request',
] as const;
export type AuditResourceType = (typeof AUDIT_RESOURCE_TYPES)[number];
