/**
 * Contact data derived deterministically from the stack's records: the same person always
 * gets the same answer, across requests and restarts, so tests can predict it.
 */
import { createHash } from 'node:crypto';
import type { ContactEnrichment, EnrichContactsReply, RequestedPerson } from './contract';
import type { CompanyRecord, DirectoryLookup, PersonRecord } from './directory';

/** Stable per-person bytes; the prefix keeps them unrelated to any other hash of the id. */
export function personDigest(personId: string): Buffer {
  return createHash('sha256').update(`bgs-local-provider:${personId}`).digest();
}

/** Lower-case ASCII words of a name: "Zoë  O'Brien-Smith" → ["zoe", "obriensmith"]. */
export function nameParts(fullName: string): string[] {
  return fullName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/\s+/)
    .map((part) => part.replace(/[^a-z0-9]/g, ''))
    .filter((part) => part !== '');
}

/** The stored address, else first.last@ the company's domain (null without a domain or name). */
export function emailFor(person: PersonRecord, company: CompanyRecord | undefined): string | null {
  // 320 is the longest address SMTP allows, and the adapter's bound.
  if (person.email) return person.email.length <= 320 ? person.email : null;
  const domain = company?.domain?.trim().toLowerCase();
  const parts = nameParts(person.fullName);
  const first = parts[0];
  const last = parts.length > 1 ? parts[parts.length - 1] : undefined;
  if (!domain || !first) return null;
  const address = `${last ? `${first}.${last}` : first}@${domain}`;
  return address.length <= 320 ? address : null;
}

/** A number in the 555-01xx block, which North America reserves for fiction. */
export function phoneFor(personId: string): string {
  const digest = personDigest(personId);
  const area = 200 + (digest.readUInt16BE(0) % 800);
  const line = String(digest.readUInt8(2) % 100).padStart(2, '0');
  return `+1 ${area} 555 01${line}`;
}

export function linkedinUrlFor(person: PersonRecord): string {
  const slug = nameParts(person.fullName).join('-').slice(0, 60) || 'member';
  return `https://www.linkedin.com/in/${slug}-${personDigest(person.id).toString('hex', 0, 3)}`;
}

function enrichOne(personId: string, lookup: DirectoryLookup): ContactEnrichment {
  const person = lookup.people.get(personId);
  // Unknown here: nothing to sell, and saying so is not an error.
  if (!person) return { personId, email: null, phone: null, linkedinUrl: null, verified: false };
  return {
    personId,
    email: emailFor(person, lookup.company),
    phone: phoneFor(person.id),
    linkedinUrl: linkedinUrlFor(person),
    // Only an address the company itself recorded counts as verified; a guessed one does not.
    verified: person.email !== null && person.email !== '',
  };
}

export function buildEnrichReply(
  people: readonly RequestedPerson[],
  lookup: DirectoryLookup,
): EnrichContactsReply {
  return { contacts: people.map((person) => enrichOne(person.personId, lookup)) };
}
