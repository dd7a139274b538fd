import { findUnstorableText } from './storable';

describe('findUnstorableText', () => {
  it.each([
    [{ a: 'fine', b: ['ok', { c: 'emoji 🎉 and ü' }] }, undefined],
    [{ company: { name: 'a\u0000b' } }, 'company.name'],
    [{ list: ['ok', '\ud800'] }, 'list.1'],
    [{ x: 'trailing high \udbff' }, 'x'],
    [{ x: '\udc00 leading low' }, 'x'],
    [{ ['bad\u0000key']: 1 }, '(key)'],
    ['\u0000', '(body)'],
  ])('%j → %s', (value, expected) => {
    expect(findUnstorableText(value)).toBe(expected);
  });
});
