import type { Random } from '../random';
import { FIRST_NAMES, LAST_NAMES } from './names';

/** "Zoë O'Brien" → "zoe.obrien": accents folded, anything but letters and digits dropped. */
export function emailLocalPart(firstName: string, lastName: string): string {
  const fold = (name: string): string =>
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/ø/g, 'o')
      .replace(/[^a-z0-9]/g, '');
  return `${fold(firstName)}.${fold(lastName)}`;
}

/**
 * Hands out names unique within one company, so e-mail addresses (first.last@domain) are
 * unique there too, as they would be at a real employer.
 */
export class CompanyNamer {
  private readonly taken: Set<string>;

  /** `takenEmails`: addresses already in use at the company (a new hire must not reuse one). */
  constructor(
    private readonly random: Random,
    private readonly domain: string,
    takenEmails: Iterable<string> = [],
  ) {
    this.taken = new Set([...takenEmails].map((email) => email.split('@')[0] ?? email));
  }

  next(): { fullName: string; email: string } {
    for (;;) {
      const first = this.random.pick(FIRST_NAMES);
      const last = this.random.pick(LAST_NAMES);
      const local = emailLocalPart(first, last);
      if (this.taken.has(local)) continue;
      this.taken.add(local);
      return { fullName: `${first} ${last}`, email: `${local}@${this.domain}` };
    }
  }
}
