import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { EMAIL_TOKEN, PHONE_TOKEN, maskPersonalData } from './personal-data';

describe('maskPersonalData: e-mail addresses', () => {
  it.each([
    ['jane.doe@example.com', '[email]'],
    ['j.doe+tag@example.com', '[email]'],
    ['write to A@B.IO or c@d.org', 'write to [email] or [email]'],
    ['bounce for x@acme.co.uk.', 'bounce for [email].'],
    ['<zoë.obrien@société.fr>', '<[email]>'],
    ['?to=jane%40example.com&x=1', '?to=[email]&x=1'],
    ['"email":"ada.lovelace@harborbank.io"', '"email":"[email]"'],
    // the demo dataset's shape: first.last@ the company's slug and a suffix
    ['maria.garcia@northwindlabs.ai', '[email]'],
  ])('%s -> %s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it.each([
    'kafkajs@2.2.4',
    'user@localhost',
    'an @ sign alone',
    'node 20.20.2',
    'winston@3.19.0 and zod@4.6.7',
  ])('leaves %s alone', (input) => {
    expect(maskPersonalData(input)).toBe(input);
  });
});

describe('maskPersonalData: phone numbers', () => {
  it.each([
    // the local provider's answers (services/local-provider/src/contacts.ts)
    ['+1 415 555 0142', '[phone]'],
    ['+14155550100', '[phone]'],
    ['+1 (415) 555-0100', '[phone]'],
    ['+1-415-555-0100', '[phone]'],
    ['+1.415.555.0100', '[phone]'],
    ['+44 20 7946 0958', '[phone]'],
    ['+33 1 23 45 67 89', '[phone]'],
    ['+49 30 901820', '[phone]'],
    ['+49 (0)30 901820', '[phone]'],
    ['415-555-0100', '[phone]'],
    ['415.555.0100', '[phone]'],
    ['(415) 555-0100', '[phone]'],
    ['(415)555-0100', '[phone]'],
    ['?phone=%2B14155550100', '?phone=[phone]'],
    ['call +1 415 555 0142, or 415-555-0199.', 'call [phone], or [phone].'],
    ['"phone":"+1 415 555 0142"', '"phone":"[phone]"'],
  ])('%s -> %s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it.each([
    ['an ISO timestamp', '2026-01-01T00:00:00.000Z'],
    ['a timestamp with an offset', '2026-01-01T10:00:00+01:00'],
    ['a compact offset', '2026-01-01T10:00:00+0100'],
    ['a date', '2026-01-01'],
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['an all-digit UUID', '12345678-1234-5678-1234-567812345678'],
    ['a traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['Kafka positions', 'replayed 3:41 and 0:1234567890'],
    ['an offset', 'offset 18446744073709551615'],
    ['epoch milliseconds', 'failedAt=1767225600000'],
    ['a host and port', '127.0.0.1:58100'],
    ['an IP address', '192.168.100.200'],
    ['a version', 'Kafka 4.3.1, Debezium 3.6.3.Final'],
    ['durations', 'p50 827 ms, p90 1300 ms, took 1500-2000 ms'],
    ['a positive delta', 'lag +1500 records'],
    ['the demo ids', 'co-00042 p-00042-061 evt_1 ws-1'],
    ['a number with thousands separators', '1,234,567.89 USD'],
    ['a bare run of digits', '14155550100'],
    ['digits grouped with spaces only', '415 555 0100'],
    ['a social-security-shaped number', '123-45-6789'],
    ['too many digits after +', '+1234567890123456789'],
    ['too few digits after +', '+12 345'],
    ['a 4-3-4 run', '2026-555-0100'],
    ['a piece of an id', 'p-415-555-0100'],
  ])('leaves %s alone', (_what, input) => {
    expect(maskPersonalData(input)).toBe(input);
  });

  it('never changes what the logs carry all the time', () => {
    const harmless = fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.date({ noInvalidDate: true }).map((d) => String(d.getTime())),
      fc.uuid(),
      fc.constant(randomUUID()),
      fc.nat().map(String),
      fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String),
      fc
        .tuple(fc.nat({ max: 9999 }), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }))
        .map(([p, o]) => `${p}:${o}`),
      fc.integer({ min: 1, max: 65535 }).map((port) => `127.0.0.1:${port}`),
      fc.ipV4(),
      fc.nat().map((ms) => `${ms} ms`),
    );
    fc.assert(
      fc.property(fc.array(harmless, { maxLength: 6 }), (parts) => {
        const text = parts.join(' ');
        expect(maskPersonalData(text)).toBe(text);
      }),
    );
  });
});

describe('maskPersonalData', () => {
  it('masks both in one text, addresses first', () => {
    expect(maskPersonalData('Ada (ada@harborbank.io, +1 415 555 0142) is now VP Engineering')).toBe(
      `Ada (${EMAIL_TOKEN}, ${PHONE_TOKEN}) is now VP Engineering`,
    );
    // an address whose local part is a phone number is an address
    expect(maskPersonalData('+14155550100@sms.example.com')).toBe(EMAIL_TOKEN);
  });

  it('leaves text without personal data as it is', () => {
    expect(maskPersonalData('nothing to see')).toBe('nothing to see');
    expect(maskPersonalData('')).toBe('');
  });
});
