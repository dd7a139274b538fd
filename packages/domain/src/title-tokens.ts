/**
 * Job titles and department names as lists of plain words, with the abbreviations people type
 * spelled out, so the vocabularies need one entry per idea rather than one per spelling.
 */
import { foldForMatching } from './text';

/** Whole-word rewrites, applied in order on the folded text. */
const REWRITES: readonly (readonly [RegExp, string])[] = [
  [/\bvice ?president[ea]?s?\b/g, 'vp'],
  [/\bvizeprasident(in)?\b/g, 'vp'],
  [/\bco ?founders?\b/g, 'cofounder'],
  [/\bco ?fondat(eur|rice)\b/g, 'cofounder'],
  [/\bco ?fundador(a)?\b/g, 'cofounder'],
  [/\bsr\b/g, 'senior'],
  [/\bsnr\b/g, 'senior'],
  [/\bjr\b/g, 'junior'],
  [/\bmgr\b/g, 'manager'],
  [/\bdir\b/g, 'director'],
  [/\beng\b/g, 'engineering'],
  [/\bengg\b/g, 'engineering'],
  [/\bengr\b/g, 'engineer'],
  [/\bdev\b/g, 'developer'],
  [/\bmktg\b/g, 'marketing'],
  [/\bops\b/g, 'operations'],
  [/\bexec\b/g, 'executive'],
  [/\bhead of\b/g, 'head'],
  [/\bstellv\b/g, 'deputy'],
  [/\bstellvertretende[rn]?\b/g, 'deputy'],
  [/\badjoint[e]?\b/g, 'deputy'],
];

export function tokenize(text: string | null | undefined): string[] {
  if (!text) return [];
  let folded = foldForMatching(text);
  for (const [pattern, replacement] of REWRITES) folded = folded.replace(pattern, replacement);
  return folded.split(' ').filter((token) => token !== '');
}

/**
 * Greedy left-to-right phrase matching, longest phrase first at each position: "it security"
 * is one thing, not "it" plus "security". Words no phrase covers are passed to `unmatched`.
 */
export function matchPhrases<Value>(
  tokens: readonly string[],
  phrases: ReadonlyMap<string, Value>,
  unmatched: (token: string) => Value | undefined = () => undefined,
): Value[] {
  const found: Value[] = [];
  const longest = longestPhrase(phrases);
  let index = 0;
  while (index < tokens.length) {
    let length = Math.min(longest, tokens.length - index);
    for (; length > 0; length -= 1) {
      const value = phrases.get(tokens.slice(index, index + length).join(' '));
      if (value !== undefined) {
        found.push(value);
        break;
      }
    }
    if (length === 0) {
      const token = tokens[index] as string;
      const value = unmatched(token);
      if (value !== undefined) found.push(value);
      length = 1;
    }
    index += length;
  }
  return found;
}

/** Vocabularies are module constants: measure each once, not once per title. */
const longestPhrases = new WeakMap<ReadonlyMap<string, unknown>, number>();

function longestPhrase(phrases: ReadonlyMap<string, unknown>): number {
  let longest = longestPhrases.get(phrases);
  if (longest === undefined) {
    longest = Math.max(0, ...[...phrases.keys()].map((phrase) => phrase.split(' ').length));
    longestPhrases.set(phrases, longest);
  }
  return longest;
}

export function containsPhrase(tokens: readonly string[], phrase: string): boolean {
  return ` ${tokens.join(' ')} `.includes(` ${phrase} `);
}
