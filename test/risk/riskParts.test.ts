import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RollingSecondCounter, TokenBucket } from '../../src/risk/RateLimits.ts';
import { SizeMedian } from '../../src/risk/SizeMedian.ts';
import { ClockCalendar, isValidTimeZone, localMinuteOfDay, nextLocalTimeMs, parseHhMm, zoneOffsetMs } from '../../src/risk/zonedTime.ts';

test('SizeMedian equals the upper median of the last `window` sizes (property, against a sort)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 200 }), (window, sizes) => {
      const m = new SizeMedian(window);
      for (let i = 0; i < sizes.length; i++) {
        m.add(sizes[i]);
        const last = sizes.slice(Math.max(0, i + 1 - window), i + 1).sort((a, b) => a - b);
        assert.equal(m.count, last.length);
        assert.equal(m.median(), last[last.length >> 1]);
      }
      assert.equal(m.total, sizes.length);
    }),
  );
  assert.ok(Number.isNaN(new SizeMedian(4).median()));
});

test('TokenBucket: burst, then the refill rate; exactly-at-rate senders are never refused', () => {
  const b = new TokenBucket(10, 3, 0);
  for (let i = 0; i < 3; i++) {
    assert.equal(b.available(0), true);
    b.take(0);
  }
  assert.equal(b.available(0), false);
  assert.equal(b.available(99_999_999), false);
  assert.equal(b.available(100_000_000), true, '100 ms at 10/s is one token');
  const steady = new TokenBucket(7, 1, 0);
  for (let i = 0; i < 1000; i++) {
    const t = (i * 1e9) / 7;
    assert.equal(steady.available(t), true, `send ${i}`);
    steady.take(t);
  }
  assert.throws(() => new TokenBucket(0, 1, 0), RangeError);
});

test('RollingSecondCounter: more than `limit` in any rolling second is refused, exactly', () => {
  const c = new RollingSecondCounter(3);
  assert.equal(c.record(0), true);
  assert.equal(c.record(1), true);
  assert.equal(c.record(999_999_999), true);
  assert.equal(c.record(999_999_999), false, 'a 4th within the second');
  assert.equal(c.record(1_000_000_000), true, 'the first one left the window');
  assert.equal(c.countInLastSecond(1_000_000_000), 3);
  c.clear();
  assert.equal(c.countInLastSecond(1_000_000_000), 0);
});

test('zoned time: offsets, wall times and the next local time across DST (America/Chicago)', () => {
  assert.equal(parseHhMm('17:00'), 1020);
  assert.ok(Number.isNaN(parseHhMm('24:00')));
  assert.equal(isValidTimeZone('America/Chicago'), true);
  assert.equal(isValidTimeZone('Nowhere/Special'), false);
  const winter = Date.UTC(2023, 11, 25, 12, 0);
  const summer = Date.UTC(2024, 6, 1, 12, 0);
  assert.equal(zoneOffsetMs(winter, 'America/Chicago'), -6 * 3_600_000);
  assert.equal(zoneOffsetMs(summer, 'America/Chicago'), -5 * 3_600_000);
  assert.equal(zoneOffsetMs(winter, 'UTC'), 0);
  assert.equal(localMinuteOfDay(winter, 'America/Chicago'), 6 * 60);
  assert.equal(nextLocalTimeMs(winter, 1020, 'America/Chicago'), Date.UTC(2023, 11, 25, 23, 0));
  assert.equal(nextLocalTimeMs(Date.UTC(2023, 11, 25, 23, 0), 1020, 'America/Chicago'), Date.UTC(2023, 11, 26, 23, 0), 'strictly after');
  assert.equal(nextLocalTimeMs(summer, 1020, 'America/Chicago'), Date.UTC(2024, 6, 1, 22, 0));
  // 2024-03-10: clocks go 02:00 -> 03:00 in Chicago; 17:00 that day is already CDT (22:00 UTC)
  assert.equal(nextLocalTimeMs(Date.UTC(2024, 2, 10, 6, 0), 1020, 'America/Chicago'), Date.UTC(2024, 2, 10, 22, 0));
  assert.equal(nextLocalTimeMs(Date.UTC(2024, 2, 9, 23, 0), 1020, 'America/Chicago'), Date.UTC(2024, 2, 10, 22, 0));
  // 2024-11-03: back to CST; 17:00 is 23:00 UTC
  assert.equal(nextLocalTimeMs(Date.UTC(2024, 10, 3, 12, 0), 1020, 'America/Chicago'), Date.UTC(2024, 10, 3, 23, 0));
  const cal = new ClockCalendar(1_703_548_800_000_000_123n);
  assert.equal(cal.toClockNs(1_703_548_805_000), 4_999_999_877, 'whole epoch ms map exactly to clock ns');
  assert.ok(Math.abs(cal.toClockNs(cal.toEpochMs(5_000_000_000)) - 5_000_000_000) < 1000, 'a round trip is good to the microsecond');
  assert.equal(cal.toEpochMs(-123), 1_703_548_800_000);
});
