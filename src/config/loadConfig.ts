import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { configSchema, type BulwarkConfig } from './schema.ts';

/** A configuration problem: names the key path and the reason. The CLI exits 2 on it. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`invalid configuration ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: BulwarkConfig;
  path: string;
  /** Directory that relative paths in the file (data, output) are resolved against: the working directory, as for every CLI tool. */
  baseDir: string;
  /** sha256 of the file's bytes: recorded with every run. */
  hash: string;
  text: string;
}

/** Environment name -> config file, as BULWARK_ENV selects it. */
export function configPathForEnv(env: string | undefined, root = process.cwd()): string {
  const name = env ?? 'dev';
  if (!/^(dev|paper|prod)$/.test(name)) {
    throw new ConfigError('BULWARK_ENV', [`BULWARK_ENV: must be one of dev, paper, prod, got "${name}"`]);
  }
  return resolve(root, 'config', `config.${name}.toml`);
}

/** Reads, parses and validates a config file; throws ConfigError listing every problem. */
export function loadConfig(path: string): LoadedConfig {
  const abs = isAbsolute(path) ? path : resolve(process.cwd(), path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [`cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`]);
  }
  return parseConfigText(text, path, abs);
}

export function parseConfigText(text: string, displayPath: string, absPath = displayPath): LoadedConfig {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ConfigError(displayPath, [`not valid TOML: ${msg}`]);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(displayPath, formatIssues(parsed.error.issues, raw));
  }
  const config = parsed.data;
  const symbols = new Set(config.trading.instruments.map((i) => i.symbol));
  const problems: string[] = [];
  config.trading.data.forEach((d, i) => {
    if (!symbols.has(d.instrument)) problems.push(`trading.data[${i}].instrument: "${d.instrument}" is not in trading.instruments (${[...symbols].join(', ')})`);
  });
  if (problems.length > 0) throw new ConfigError(displayPath, problems);
  return { config, path: displayPath, baseDir: process.cwd(), hash: sha256(text), text };
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** "risk.max_drawdown_pct: must be between 0 and 1, got 5" for each issue. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string[] {
  return issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
      return `${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''} (check the spelling; see README's configuration reference)`;
    }
    const value = valueAt(raw, issue.path);
    const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
    let message = issue.message;
    if (issue.code === 'invalid_type' && value === undefined) message = 'is required';
    else if (issue.code === 'invalid_type') message = `must be ${issue.expected}`;
    return `${path || '(file)'}: ${message}${value === undefined && message === 'is required' ? '' : `, ${got}`}`;
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
