import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding package.json, found upwards from this module (works from src/ and from dist/). */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bulwark: cannot find package.json above the build');
    dir = up;
  }
  return dir;
}

const repoRoot = findRepoRoot();
const srcRoot = join(repoRoot, 'src');

export interface BuildInfo {
  version: string;
  /** sha256 of every source file under src/ (path + bytes, sorted by path) and the version. */
  codeHash: string;
}

let cached: BuildInfo | undefined;

/** The build's identity: every run records it, every node reports it on /health. */
export function buildInfo(): BuildInfo {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(p);
    }
  };
  walk(srcRoot);
  files.sort();
  const h = createHash('sha256');
  h.update(`bulwark ${pkg.version}\n`);
  for (const f of files) {
    h.update(`${relative(repoRoot, f)}\n`);
    h.update(readFileSync(f));
  }
  cached = { version: pkg.version, codeHash: h.digest('hex') };
  return cached;
}
