import { acceptedEncodings, cacheControlFor } from './precompressed';

describe('acceptedEncodings', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['identity', []],
    ['gzip, deflate, br', ['br', 'gzip']],
    ['gzip, deflate', ['gzip']],
    ['br;q=0.5, gzip;q=0.8', ['gzip', 'br']],
    ['br;q=0, gzip', ['gzip']],
    ['*', ['br', 'gzip']],
    ['*;q=0.1, gzip', ['gzip', 'br']],
    ['br;q=0, gzip;q=0, *;q=1', []],
    ['BR , GZIP;Q=0.2', ['br', 'gzip']],
    ['gzip;q=abc', []],
  ])('%p → %p', (header, expected) => {
    expect(acceptedEncodings(header)).toEqual(expected);
  });
});

describe('cacheControlFor', () => {
  it('caches hashed assets for good and revalidates the rest', () => {
    expect(cacheControlFor('/srv/dist/assets/index-abc.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('/srv/dist/favicon.svg')).toBe('no-cache');
  });
});
