import { UnveilError } from '../../errors.js';
import type { WriteContext } from '../../write-context.js';
import type { EnvironmentRecord } from '../environments/environments-store.js';
import { activeFreeze, frozenUntil } from '../freezes/freeze-policy.js';
import type { FreezeRecord } from '../freezes/freezes-store.js';
import type { AdminRole } from '../keys/roles.js';

/** Who may break the glass. */
const EMERGENCY_ROLES: readonly AdminRole[] = ['admin', 'release-manager'];

export interface GateInput {
  /** The environment the change lands in, locked by the caller. */
  environment: Pick<EnvironmentRecord, 'key' | 'protected'>;
  /** The environment's freeze windows (the caller loads them with its other reads, in one round trip). */
  freezes: readonly FreezeRecord[];
  at: Date;
  context: WriteContext;
  /** Switching a flag off: a kill switch goes through freezes and approvals alike. */
  killSwitch?: boolean;
}

/** Apply now (with the context the audit entry records), or hold as a change request for approval. */
export type GateDecision = { outcome: 'apply'; context: WriteContext } | { outcome: 'propose' };

/**
 * The release policy every change to what an environment serves passes through: freezes block it,
 * protected environments want a second pair of eyes, kill switches always work, and an admin or release
 * manager may override either with a reason, which is then recorded as an emergency change.
 */
export function passChangeGate(input: GateInput): GateDecision {
  const { environment, freezes, at, context } = input;
  const plain: WriteContext = { ...context, emergency: false };
  if (input.killSwitch === true) return { outcome: 'apply', context: plain };
  if (context.emergency === true) assertMayBreakGlass(context);

  const freeze = activeFreeze(freezes, at);
  const needsApproval = environment.protected && context.approvedBy === undefined;
  if (context.emergency === true) {
    return { outcome: 'apply', context: { ...context, emergency: freeze !== undefined || needsApproval } };
  }
  if (freeze !== undefined) {
    const until = frozenUntil(freezes, at);
    throw new UnveilError('UNVEIL_ERR_ENV_FROZEN', {
      detail: `${environment.key} is frozen (${freeze.name})${until instanceof Date ? ` until ${until.toISOString()}` : ''}`,
      extensions: { freeze: freeze.key, until: until instanceof Date ? until.toISOString() : null },
    });
  }
  return needsApproval ? { outcome: 'propose' } : { outcome: 'apply', context: plain };
}

function assertMayBreakGlass(context: WriteContext): void {
  if (context.role === undefined || !EMERGENCY_ROLES.includes(context.role)) {
    throw new UnveilError('UNVEIL_ERR_EMERGENCY_FORBIDDEN', {
      detail: `role ${context.role ?? 'none'} may not make emergency changes`,
    });
  }
  if (context.reason === undefined) {
    throw new UnveilError('UNVEIL_ERR_VALIDATION_FAILED', {
      detail: 'an emergency change needs a reason',
      errors: [{ path: '/body/reason', message: 'required when emergency is true' }],
    });
  }
}
