import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? String(error);
}

/**
 * Creates `directory` and its missing parents one level at a time. Node 20's
 * `mkdirSync(path, { recursive: true })` never returns for some paths under `/proc` (it retries
 * for ever on what procfs answers); a plain `mkdirSync` per level fails instead, and the error
 * names the level that could not be made. Bounded by the path's depth.
 * @internal
 */
export function ensureDirectory(owner: string, directory: string): void {
  const levels: string[] = [];
  for (let path = resolve(directory); ; path = dirname(path)) {
    levels.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const level of levels) {
    let stats: ReturnType<typeof statSync> | undefined;
    try {
      stats = statSync(level);
    } catch {
      stats = undefined;
    }
    if (stats?.isDirectory()) continue;
    if (stats)
      throw new Error(`[${owner}] cannot save into ${directory}: ${level} is not a directory`);
    try {
      mkdirSync(level);
    } catch (error) {
      throw new Error(`[${owner}] cannot create directory ${level} (${code(error)})`, {
        cause: error,
      });
    }
  }
}

/**
 * Reads a regular file, refusing anything else (a FIFO or a character device would block the
 * process in `readFileSync`); errors name the file and what it is for.
 * @internal
 */
export function readRegularFile(owner: string, path: string, what: string): Buffer {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new Error(`[${owner}] cannot read ${what} ${path} (${code(error)})`, { cause: error });
  }
  if (!isFile) throw new Error(`[${owner}] ${what} ${path} is not a regular file`);
  return readFileSync(path);
}
