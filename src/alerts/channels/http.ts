/** Shared HTTP delivery for the channels: POST JSON, secrets scrubbed from every error. */

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface SecretSource {
  /** Environment to read secrets from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** Reads a secret from the named environment variable; the error names the variable, never a value. */
export function readSecret(env: Record<string, string | undefined> | undefined, variable: string, channel: string): string {
  const value = (env ?? process.env)[variable];
  if (value === undefined || value === '') {
    throw new Error(`alert channel ${channel}: environment variable ${variable} is not set`);
  }
  return value;
}

/**
 * POSTs `body` as JSON to `url`. Rejects with an Error whose message names the channel and the
 * HTTP status or the network error code, never the URL, headers or response body (they can carry
 * the secret); any occurrence of a secret is replaced by "***" as a second guard.
 */
export async function postJson(
  channel: string,
  url: string,
  body: unknown,
  secrets: readonly string[],
  fetchFn: FetchFn,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new Error(scrub(`alert channel ${channel}: request failed (${networkCode(err)})`, secrets));
  }
  // drain the body so the connection can be reused; its content is not reported
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) {
    throw new Error(scrub(`alert channel ${channel}: HTTP ${response.status}`, secrets));
  }
}

function networkCode(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
    const cause = (err as Error & { cause?: unknown }).cause;
    if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') {
      return cause.code;
    }
    return err.name;
  }
  return 'unknown error';
}

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}
