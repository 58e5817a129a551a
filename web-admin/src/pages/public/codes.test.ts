import { describe, expect, it } from 'vitest';
import { isMachineCode, looksLikeCode, parseScannedCode } from './codes';

// 1 type letter + 13 random + 8 signature characters.
const CODE = 'M0ZK3X7Q9T2BC8N4HJ6V5R';

describe('parseScannedCode', () => {
  it('takes the code out of a /q/ address, whatever the host', () => {
    expect(parseScannedCode(`https://arcgate.example/q/${CODE}`)).toBe(CODE);
    expect(parseScannedCode(`http://10.0.0.5:3000/q/${CODE.toLowerCase()}?x=1`)).toBe(CODE);
    expect(parseScannedCode(`/q/${CODE}#top`)).toBe(CODE);
  });

  it('accepts a typed code with spaces, hyphens and any case', () => {
    expect(parseScannedCode(' m0zk3-x7q9 t2bc8n4hj6v5r ')).toBe(CODE);
  });

  it('gives null for nothing or junk', () => {
    expect(parseScannedCode('   ')).toBeNull();
    expect(parseScannedCode('/q/%E0%A4%A')).toBeNull();
    expect(parseScannedCode('x'.repeat(100))).toBeNull();
  });

  it('checks the shape and the kind', () => {
    expect(looksLikeCode(CODE)).toBe(true);
    expect(isMachineCode(CODE)).toBe(true);
    expect(isMachineCode(`W${CODE.slice(1)}`)).toBe(false);
    expect(looksLikeCode('HELLO')).toBe(false);
  });
});
