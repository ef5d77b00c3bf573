/**
 * Deterministic client order ids: `<prefix>-<sequence>`, where the prefix names the node and
 * strategy and the sequence only grows. The sequence is journaled, so after a restart the
 * generator resumes past every id already used and a resend can be matched at the venue.
 */
export class ClientOrderIdGenerator {
  private seq: number;

  constructor(private readonly prefix: string, startAfter = 0) {
    if (!/^[A-Za-z0-9_.:]{1,32}$/.test(prefix)) {
      throw new RangeError(`client order id prefix must be 1-32 chars of [A-Za-z0-9_.:], got "${prefix}"`);
    }
    this.seq = startAfter;
  }

  next(): string {
    this.seq += 1;
    return `${this.prefix}-${this.seq}`;
  }

  get lastSequence(): number {
    return this.seq;
  }
}
