import type { ConfigProblem } from './compile-error.js';
import type { Flag } from './model.js';
import { MAX_PREREQUISITE_DEPTH } from './result.js';

/**
 * Finds every flag whose prerequisites cannot be evaluated: a missing prerequisite flag, a cycle, a chain
 * deeper than MAX_PREREQUISITE_DEPTH, or dependence on such a flag. Iterative depth-first search, so a
 * chain of any length cannot overflow the stack here, and evaluation never recurses deeper than the cap.
 */
export function findPrerequisiteProblems(flags: ReadonlyMap<string, Flag>): Map<string, ConfigProblem> {
  const problems = new Map<string, ConfigProblem>();
  const depth = new Map<string, number>();
  const onPath = new Set<string>();

  for (const root of flags.keys()) {
    if (depth.has(root)) continue;
    const stack: { key: string; next: number }[] = [{ key: root, next: 0 }];
    onPath.add(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const prerequisites = flags.get(frame.key)?.prerequisites ?? [];
      if (frame.next < prerequisites.length) {
        const index = frame.next++;
        const dependency = prerequisites[index]!.flag;
        const path = ['prerequisites', index, 'flag'];
        if (!flags.has(dependency)) {
          fail(problems, frame.key, `prerequisite flag ${JSON.stringify(dependency)} does not exist`, path);
        } else if (onPath.has(dependency)) {
          const cycle = stack
            .slice(stack.findIndex((entry) => entry.key === dependency))
            .map((entry) => entry.key);
          const message = `prerequisite cycle: ${[...cycle, dependency].join(' → ')}`;
          for (const member of cycle) fail(problems, member, message, path);
        } else if (!depth.has(dependency)) {
          onPath.add(dependency);
          stack.push({ key: dependency, next: 0 });
        }
        continue;
      }
      let deepest = 0;
      prerequisites.forEach(({ flag: dependency }, index) => {
        deepest = Math.max(deepest, depth.get(dependency) ?? 0);
        if (problems.has(dependency)) {
          const message = `prerequisite flag ${JSON.stringify(dependency)} cannot be evaluated`;
          fail(problems, frame.key, message, ['prerequisites', index, 'flag']);
        }
      });
      const own = prerequisites.length === 0 ? 0 : deepest + 1;
      if (own > MAX_PREREQUISITE_DEPTH) {
        fail(problems, frame.key, `prerequisite chain deeper than ${MAX_PREREQUISITE_DEPTH}`, [
          'prerequisites',
        ]);
      }
      depth.set(frame.key, own);
      onPath.delete(frame.key);
      stack.pop();
    }
  }
  return problems;
}

/** Keeps the first problem found for a flag: it is the root cause the others follow from. */
function fail(problems: Map<string, ConfigProblem>, key: string, message: string, path: (string | number)[]) {
  if (!problems.has(key)) problems.set(key, { message, path });
}
