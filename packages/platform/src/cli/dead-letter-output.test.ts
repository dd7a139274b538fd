import type { DeadLetter } from '../stage/dead-letters';
import { classifyValue, describeLetter, printValue, showLetter } from './dead-letter-output';

const letter = (overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  partition: 3,
  offset: '41',
  key: 'co-00042',
  value: null,
  headers: {
    'bgs-error': 'provider reply invalid: contacts.0.email "ada@harborbank.io" unexpected',
    'bgs-attempt': '4',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
  originalTopic: 'buyer-group.researched',
  attempts: 4,
  error: 'provider reply invalid: contacts.0.email "ada@harborbank.io" unexpected',
  failedAt: Date.UTC(2026, 0, 1),
  replayed: false,
  ...overrides,
});

/** A researched buyer group as the registry would decode it, personal data and all. */
const record = {
  companyId: 'co-00042',
  generation: 1767225600000n,
  members: [
    {
      personId: 'p-00042-061',
      fullName: 'Ada Lovelace',
      title: 'VP Engineering',
      enrichment: JSON.stringify({
        email: 'ada.lovelace@harborbank.io',
        phone: '+1 415 555 0142',
        linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace-1a2b3c',
      }),
    },
  ],
};

describe('describeLetter', () => {
  it('masks personal data in the error, keeping where and how often', () => {
    expect(describeLetter(letter(), { reveal: false })).toBe(
      '3:41  key=co-00042  from=buyer-group.researched  attempts=4  ' +
        'failed=2026-01-01T00:00:00.000Z  pending  ' +
        'error="provider reply invalid: contacts.0.email \\"[email]\\" unexpected"',
    );
  });
});

describe('showLetter', () => {
  it('masks e-mail addresses and phone numbers in headers and the decoded value by default', () => {
    const lines = showLetter(letter(), { kind: 'record', record }, { reveal: false });
    const text = lines.join('\n');
    expect(text).not.toContain('ada@harborbank.io');
    expect(text).not.toContain('ada.lovelace@harborbank.io');
    expect(text).not.toContain('415 555 0142');
    expect(lines).toContain(
      '  bgs-error: provider reply invalid: contacts.0.email "[email]" unexpected',
    );
    // what is not an address or a number stays readable, ids and the trace included
    expect(lines).toContain(
      '  traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    );
    const value = lines.at(-1) ?? '';
    expect(value.startsWith('  value: ')).toBe(true);
    const shown = JSON.parse(value.slice('  value: '.length));
    expect(shown).toMatchObject({
      companyId: 'co-00042',
      generation: '1767225600000',
      members: [{ personId: 'p-00042-061', fullName: 'Ada Lovelace', title: 'VP Engineering' }],
    });
    expect(JSON.parse(shown.members[0].enrichment)).toEqual({
      email: '[email]',
      phone: '[phone]',
      linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace-1a2b3c',
    });
  });

  it('prints everything as it is with --reveal', () => {
    const lines = showLetter(letter(), { kind: 'record', record }, { reveal: true });
    const text = lines.join('\n');
    expect(text).toContain('ada@harborbank.io');
    const shown = JSON.parse((lines.at(-1) ?? '').slice('  value: '.length));
    expect(JSON.parse(shown.members[0].enrichment)).toMatchObject({
      email: 'ada.lovelace@harborbank.io',
      phone: '+1 415 555 0142',
    });
  });

  it('masks a text value (a Debezium JSON change event) by default', () => {
    const cdc = Buffer.from(
      JSON.stringify({ after: { id: 'p-1', full_name: 'Ada', email: 'ada@harborbank.io' } }),
    );
    const masked = showLetter(letter({ value: cdc }), classifyValue(cdc), { reveal: false });
    expect(masked.at(-1)).toBe(
      '  value: {"after":{"id":"p-1","full_name":"Ada","email":"[email]"}}',
    );
    const revealed = showLetter(letter({ value: cdc }), classifyValue(cdc), { reveal: true });
    expect(revealed.at(-1)).toContain('"email":"ada@harborbank.io"');
  });
});

describe('printValue', () => {
  const avro = Buffer.concat([
    Buffer.from([0, 0, 0, 0, 7]),
    Buffer.from('\u0010co-00042\u0022ada@harborbank.io'),
  ]);

  it('withholds bytes it could not decode: base64 hides nothing', () => {
    const value = { kind: 'bytes' as const, bytes: avro, reason: 'not decoded: registry down' };
    const masked = printValue(value, { reveal: false });
    expect(masked).toBe(
      `${avro.length} bytes, not decoded: registry down; not shown, as they may hold personal data (--reveal prints them as base64)`,
    );
    expect(printValue(value, { reveal: true })).toBe(`base64:${avro.toString('base64')}`);
  });

  it('prints an empty value as null', () => {
    expect(printValue({ kind: 'null' }, { reveal: false })).toBe('null');
  });
});

describe('classifyValue', () => {
  it('tells text from Avro and other bytes', () => {
    expect(classifyValue(null)).toEqual({ kind: 'null' });
    expect(classifyValue(Buffer.from('{"a":1}'))).toEqual({ kind: 'text', text: '{"a":1}' });
    expect(classifyValue(Buffer.from([0, 0, 0, 0, 1, 2]))).toMatchObject({ kind: 'bytes' });
    expect(classifyValue(Buffer.from([0xff, 0xfe]))).toMatchObject({ kind: 'bytes' });
  });
});
