/**
 * Text comparison that ignores what people do not mean: stray whitespace, letter case and the
 * two ways Unicode can spell an accented letter. Blank and missing count as the same "no value".
 */
export function normalizeText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export function sameText(a: string | null | undefined, b: string | null | undefined): boolean {
  return normalizeText(a) === normalizeText(b);
}

/**
 * For matching words across languages: accents dropped ("Sécurité" → "securite"), "&" kept as a
 * word, every other punctuation mark a separator ("Co-Founder" → "co founder", "Sr." → "sr").
 */
export function foldForMatching(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/&/g, ' & ')
    .replace(/[^a-z0-9&]+/g, ' ')
    .trim();
}

/** One line, bounded: for rationales built partly from upstream text. */
export function oneLine(value: string, maxLength: number): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length <= maxLength ? flat : `${flat.slice(0, maxLength - 1).trimEnd()}…`;
}

/** Code-unit order: locale-independent, so sorting gives the same result on every machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
