import { createHash } from 'node:crypto';
import {
  API_KEY_PREFIX_LENGTH,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  parseBearer,
} from './api-keys';

describe('generateApiKey', () => {
  it('makes bgs_ + 32 random bytes in base64url, with its prefix and SHA-256 hash', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^bgs_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(4), 'base64url')).toHaveLength(32);
    expect(prefix).toBe(key.slice(0, API_KEY_PREFIX_LENGTH));
    expect(prefix).toHaveLength(12);
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('never makes the same key twice', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
  });
});

describe('hashApiKey', () => {
  it('is the SHA-256 hex of the whole key', () => {
    expect(hashApiKey('bgs_abc')).toBe(createHash('sha256').update('bgs_abc').digest('hex'));
    expect(hashApiKey('bgs_abc')).not.toBe(hashApiKey('bgs_abd'));
  });
});

describe('isWellFormedApiKey', () => {
  it.each([
    '',
    'bgs_',
    'bgs_short',
    `xyz_${'a'.repeat(43)}`,
    `bgs_${'a'.repeat(42)}`,
    `bgs_${'a'.repeat(44)}`,
    `bgs_${'a'.repeat(42)}=`,
    `bgs_${'a'.repeat(42)}+`,
  ])('rejects %j', (token) => {
    expect(isWellFormedApiKey(token)).toBe(false);
  });
});

describe('parseBearer', () => {
  const key = `bgs_${'A1-_'.repeat(10)}xyz`;

  it.each([
    [`Bearer ${key}`, key],
    [`bearer ${key}`, key],
    [`BEARER \t ${key}  `, key],
    ['Bearer abc.def~+/==', 'abc.def~+/=='],
  ])('reads %j', (header, expected) => {
    expect(parseBearer(header)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    key,
    `Basic ${key}`,
    `Bearer${key}`,
    `Bearer ${key} extra`,
    `Bearer ${key},Bearer ${key}`,
    'Bearer =abc',
    'Bearer a\u00e9b',
  ])('rejects %j', (header) => {
    expect(parseBearer(header)).toBeUndefined();
  });
});
