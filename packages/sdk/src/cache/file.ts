import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SnapshotCache } from './snapshot-cache.js';
import { parseSnapshot } from './snapshot-cache.js';

let sequence = 0;

/**
 * Keeps the snapshot in a JSON file (Node). Writes go to a temporary file in the same directory that is
 * then renamed over the target: a crash mid-write leaves the previous snapshot whole, never half a file.
 */
export function fileCache(path: string): SnapshotCache {
  return {
    async load() {
      try {
        return parseSnapshot(await readFile(path, 'utf8'));
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async save(snapshot) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.${Date.now()}.${sequence++}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify(snapshot), 'utf8');
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
  };
}
