import type { EvaluationContext } from './model.js';

/** Reads one attribute of a context; compiled once per condition so evaluation does no parsing. */
export type AttributeReader = (context: EvaluationContext) => unknown;

/**
 * `name` reads a top-level attribute. A name starting with `/` is a JSON pointer (RFC 6901) into nested
 * objects: `/address/city`, with `~1` for `/` and `~0` for `~` inside a segment. A step through
 * anything but a plain object yields undefined, so arrays are not indexed by pointers.
 */
export function compileAttributeReader(attribute: string): AttributeReader {
  if (!attribute.startsWith('/')) {
    return inheritedFromObject(attribute)
      ? (context) => readOwn(context, attribute)
      : (context) => (context as Record<string, unknown>)[attribute];
  }
  const steps = attribute
    .slice(1)
    .split('/')
    .map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'));
  return (context) => {
    let current: unknown = context;
    for (const step of steps) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      current = readOwn(current as Record<string, unknown>, step);
    }
    return current;
  };
}

/**
 * A context attribute named like a member of Object.prototype (`constructor`, `toString`, `__proto__`…)
 * must not find that member. Only such names pay for an own-property check; the rest read directly,
 * which is what keeps attribute access fast.
 */
function inheritedFromObject(name: string): boolean {
  return name in Object.prototype;
}

function readOwn(target: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(target, name) ? target[name] : undefined;
}
