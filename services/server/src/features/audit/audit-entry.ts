/** What an audit entry can be about. */
export const AUDIT_RESOURCE_TYPES = ['environment', 'flag', 'flag-config', 'segment', 'api-key'] as const;
export type AuditResourceType = (typeof AUDIT_RESOURCE_TYPES)[number];
