/**
 * Who may do what. A pure table, so that the route-by-role test reads like the policy and the policy
 * reads like the documentation.
 */
export const ADMIN_ROLES = ['admin', 'release-manager', 'product-owner', 'developer', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const KEY_KINDS = ['admin', 'server', 'client'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export const KEY_PREFIXES: Record<KeyKind, string> = {
  admin: 'unv_adm_',
  server: 'unv_srv_',
  client: 'unv_cli_',
};

/** What a route needs. Permissions on environment-scoped routes are checked against that environment. */
export type Permission =
  | 'read'
  | 'environments.write'
  | 'flags.write'
  | 'flags.archive'
  | 'configs.write'
  | 'segments.write'
  | 'audiences.write'
  | 'releases.write'
  | 'releases.operate'
  | 'freezes.write'
  | 'changes.approve'
  | 'keys.manage';

interface Grant {
  /** Allowed in every environment. */
  anywhere: readonly Permission[];
  /**
   * Allowed only in environments that are not protected. (Flag changes in a protected environment are
   * open to more roles, because there they become change requests that an approver must accept.)
   */
  unprotected: readonly Permission[];
}

const GRANTS: Record<AdminRole, Grant> = {
  admin: {
    anywhere: [
      'read',
      'environments.write',
      'flags.write',
      'flags.archive',
      'configs.write',
      'segments.write',
      'audiences.write',
      'releases.write',
      'releases.operate',
      'freezes.write',
      'changes.approve',
      'keys.manage',
    ],
    unprotected: [],
  },
  'release-manager': {
    anywhere: [
      'read',
      'flags.write',
      'flags.archive',
      'configs.write',
      'segments.write',
      'audiences.write',
      'releases.write',
      'releases.operate',
      'freezes.write',
      'changes.approve',
    ],
    unprotected: [],
  },
  'product-owner': {
    anywhere: ['read', 'segments.write', 'audiences.write', 'configs.write'],
    unprotected: [],
  },
  developer: {
    anywhere: ['read', 'flags.write', 'configs.write'],
    unprotected: ['segments.write', 'releases.write', 'releases.operate'],
  },
  viewer: { anywhere: ['read'], unprotected: [] },
};

export interface AdminGrant {
  role: AdminRole;
  /** null: every environment. Otherwise the key acts only inside these, and not on global writes. */
  environments: readonly string[] | null;
}

/**
 * `environment` is the environment the route acts in (from its `:env` parameter), if any. Writes outside
 * any environment (flag definitions, environments, keys) change every environment, so a key limited to
 * some environments may not make them.
 */
export function isAllowed(
  grant: AdminGrant,
  permission: Permission,
  environment: { key: string; protected: boolean } | undefined,
): boolean {
  const rules = GRANTS[grant.role];
  if (grant.environments !== null) {
    if (environment === undefined ? permission !== 'read' : !grant.environments.includes(environment.key))
      return false;
  }
  if (rules.anywhere.includes(permission)) return true;
  return environment !== undefined && !environment.protected && rules.unprotected.includes(permission);
}
