/** Rendering into the test's document, and what tests read back from it. */
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, vi } from 'vitest';

const roots = new Set<Root>();
afterEach(() => {
  for (const root of roots) root.unmount();
  roots.clear();
  document.body.replaceChildren();
});

/** A client-rendered tree, rendered synchronously; unmounted after the test. */
export function mount(tree: ReactNode): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  roots.add(root);
  flushSync(() => root.render(tree));
  return container;
}

/** The element a test component marked with `data-flag="<flag>"`. */
export function flagElement(container: ParentNode, flag: string): Element | null {
  return container.querySelector(`[data-flag="${flag}"]`);
}

/** The text of that element, or undefined while there is none. */
export function shown(container: ParentNode, flag: string): string | undefined {
  return flagElement(container, flag)?.textContent ?? undefined;
}

/**
 * What React reports through `console.error` from now on: an uncached `getSnapshot`, an update loop, a
 * hydration mismatch. Tests expect none.
 */
export function consoleErrors(): unknown[][] {
  const errors: unknown[][] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
  return errors;
}

afterEach(() => {
  vi.restoreAllMocks();
});
