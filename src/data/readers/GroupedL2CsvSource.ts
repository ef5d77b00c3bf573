import type { Instrument, L2Event } from '../../core/index.ts';
import type { SourceOptions } from '../MarketDataSource.ts';
import { CsvFields, firstField } from './csv.ts';
import { FileSource } from './FileSource.ts';

export function newL2Event(instrumentId: number): L2Event {
  return {
    kind: 'l2',
    tsNs: 0,
    tsRecvNs: 0,
    instrumentId,
    side: 'N',
    price: 0,
    size: 0,
    isSnapshot: false,
    sequence: -1,
    prevSequence: -1,
    isLast: false,
  };
}

/** Identity of the venue message a row belongs to (rows of one message share it). */
export class MessageKey {
  a = 0;
  b = 0;
  c = 0;

  equals(o: MessageKey): boolean {
    return this.a === o.a && this.b === o.b && this.c === o.c;
  }
}

/**
 * An L2 CSV with one level per row, where consecutive rows with the same message key form one
 * venue message. Reads one good row ahead so the last row of each message (the row before the
 * key changes, or the last good row of the file) gets isLast = true. Rejected rows are skipped
 * and do not split a message.
 */
export abstract class GroupedL2CsvSource extends FileSource {
  protected readonly fields: CsvFields;
  private cur: L2Event;
  private ahead: L2Event;
  private curKey = new MessageKey();
  private aheadKey = new MessageKey();
  private primed = false;
  private haveAhead = false;

  constructor(
    kind: string,
    path: string,
    instrument: Instrument,
    options: SourceOptions | undefined,
    private readonly columns: number,
    private readonly headerFirst: string,
  ) {
    super(kind, path, instrument, options);
    this.fields = new CsvFields(columns + 1);
    this.cur = newL2Event(instrument.id);
    this.ahead = newL2Event(instrument.id);
  }

  /** Parses the split row (exactly `columns` fields) into `ev` and `key`; rejects and returns false if bad. */
  protected abstract parseRow(lineNo: number, ev: L2Event, key: MessageKey): boolean;

  protected override read(): L2Event | undefined {
    if (!this.primed) {
      this.primed = true;
      this.haveAhead = this.readRow(this.ahead, this.aheadKey);
    }
    if (!this.haveAhead) return undefined;
    const ev = this.ahead;
    this.ahead = this.cur;
    this.cur = ev;
    const key = this.aheadKey;
    this.aheadKey = this.curKey;
    this.curKey = key;
    this.haveAhead = false;
    this.haveAhead = this.readRow(this.ahead, this.aheadKey);
    ev.isLast = !this.haveAhead || !this.aheadKey.equals(key);
    return ev;
  }

  protected isHeader(line: string): boolean {
    return firstField(line) === this.headerFirst;
  }

  private readRow(ev: L2Event, key: MessageKey): boolean {
    for (;;) {
      const line = this.nextLine();
      if (line === undefined) return false;
      if (this.isHeader(line)) continue;
      const n = this.fields.split(line);
      const lineNo = this.lines.lineNumber;
      if (n !== this.columns) {
        this.reject(lineNo, 'column_count', `expected ${this.columns} columns, got ${n}: ${line}`);
        continue;
      }
      if (this.parseRow(lineNo, ev, key)) return true;
    }
  }
}
