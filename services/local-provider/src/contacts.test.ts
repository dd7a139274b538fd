import { buildEnrichReply, emailFor, linkedinUrlFor, nameParts, phoneFor } from './contacts';
import type { CompanyRecord, PersonRecord } from './directory';

const company: CompanyRecord = {
  id: 'c-1',
  name: 'Acme',
  domain: 'Acme.example',
  industry: null,
  employeeCount: null,
};
const person = (overrides: Partial<PersonRecord> = {}): PersonRecord => ({
  id: 'p-1',
  companyId: 'c-1',
  fullName: 'Zoë  Anne O’Brien-Smith',
  email: null,
  jobTitle: null,
  department: null,
  ...overrides,
});

describe('contact derivation', () => {
  it('splits names into ASCII words', () => {
    expect(nameParts('Zoë  Anne O’Brien-Smith')).toEqual(['zoe', 'anne', 'obriensmith']);
    expect(nameParts('  ')).toEqual([]);
  });

  it('prefers the stored email, else first.last at the company domain', () => {
    expect(emailFor(person({ email: 'zoe@corp.example' }), company)).toBe('zoe@corp.example');
    expect(emailFor(person(), company)).toBe('zoe.obriensmith@acme.example');
    expect(emailFor(person({ fullName: 'Cher' }), company)).toBe('cher@acme.example');
  });

  it('has no email to offer without a domain or a usable name', () => {
    expect(emailFor(person(), { ...company, domain: null })).toBeNull();
    expect(emailFor(person(), undefined)).toBeNull();
    expect(emailFor(person({ fullName: '—' }), company)).toBeNull();
  });

  it('derives the same fictional phone number for the same person, and others for others', () => {
    expect(phoneFor('p-1')).toBe(phoneFor('p-1'));
    expect(phoneFor('p-1')).toMatch(/^\+1 [2-9]\d\d 555 01\d\d$/);
    const numbers = new Set(Array.from({ length: 50 }, (_, i) => phoneFor(`p-${i}`)));
    expect(numbers.size).toBeGreaterThan(40);
  });

  it('derives a stable LinkedIn URL from name and id', () => {
    const url = linkedinUrlFor(person());
    expect(url).toBe(linkedinUrlFor(person()));
    expect(url).toMatch(/^https:\/\/www\.linkedin\.com\/in\/zoe-anne-obriensmith-[0-9a-f]{6}$/);
    expect(linkedinUrlFor(person({ id: 'p-2' }))).not.toBe(url);
  });

  it('answers every asked person in order, with nulls for those not on record', () => {
    const lookup = { company, people: new Map([['p-1', person({ email: 'z@acme.example' })]]) };
    const reply = buildEnrichReply(
      [
        { personId: 'p-404', fullName: 'Ghost', title: null, department: null },
        { personId: 'p-1', fullName: null, title: null, department: null },
      ],
      lookup,
    );
    expect(reply.contacts).toEqual([
      { personId: 'p-404', email: null, phone: null, linkedinUrl: null, verified: false },
      {
        personId: 'p-1',
        email: 'z@acme.example',
        phone: phoneFor('p-1'),
        linkedinUrl: linkedinUrlFor(person()),
        verified: true,
      },
    ]);
  });

  it('does not call a guessed address verified', () => {
    const lookup = { company, people: new Map([['p-1', person()]]) };
    const [contact] = buildEnrichReply(
      [{ personId: 'p-1', fullName: null, title: null, department: null }],
      lookup,
    ).contacts;
    expect(contact).toMatchObject({ email: 'zoe.obriensmith@acme.example', verified: false });
  });
});
