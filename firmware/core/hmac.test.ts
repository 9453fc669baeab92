import { createHash, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNatives } from '../../host/espruino/natives.ts';
import { asciiBytes, fromHex, hmacMac, hmacSha256Hex, hmacSigner, toHex, type Sha256 } from './hmac.ts';

/** The Node stand-in for Espruino's require("crypto").SHA256: bytes in, ArrayBuffer out. */
const nodeSha256: Sha256 = (data) => {
  const digest = createHash('sha256').update(data).digest();
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.length);
};

const hex = (s: string) => fromHex(s)!;
const repeat = (byte: number, n: number) => new Uint8Array(n).fill(byte);

// RFC 4231 section 4: every test case, HMAC-SHA-256 column.
const RFC4231: { name: string; key: Uint8Array; data: Uint8Array; mac: string; truncate?: number }[] = [
  { name: '4.2 case 1', key: repeat(0x0b, 20), data: asciiBytes('Hi There'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { name: '4.3 case 2 (key shorter than output)', key: asciiBytes('Jefe'), data: asciiBytes('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { name: '4.4 case 3', key: repeat(0xaa, 20), data: repeat(0xdd, 50),
    mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  { name: '4.5 case 4', key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'), data: repeat(0xcd, 50),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b' },
  { name: '4.6 case 5 (truncated to 128 bits)', key: repeat(0x0c, 20), data: asciiBytes('Test With Truncation'),
    mac: 'a3b6167473100ee06e0c796c2955552b', truncate: 32 },
  { name: '4.7 case 6 (131-byte key, hashed first)', key: repeat(0xaa, 131),
    data: asciiBytes('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54' },
  { name: '4.8 case 7 (131-byte key and long data)', key: repeat(0xaa, 131),
    data: asciiBytes('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2' },
];

describe('hmac (device code path over an injected SHA-256)', () => {
  for (const vector of RFC4231) {
    it(`RFC 4231 ${vector.name}`, () => {
      const mac = hmacSha256Hex(nodeSha256, vector.key, vector.data);
      expect(vector.truncate ? mac.slice(0, vector.truncate) : mac).toBe(vector.mac);
    });
  }

  it('matches node:crypto createHmac on random keys (0-200 bytes) and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 600 }), (key, data) => {
        const expected = createHmac('sha256', key).update(data).digest('hex');
        expect(hmacSha256Hex(nodeSha256, key, data)).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('signHex treats strings as 8-bit and reuses the prepared key', () => {
    const key = randomBytes(32);
    const signer = hmacSigner(nodeSha256, new Uint8Array(key));
    for (const message of ['', '{"dev":"a","boot":1,"seq":0,"k":"t","d":{}}', 'x'.repeat(1000)]) {
      expect(signer.signHex(message)).toBe(createHmac('sha256', key).update(message, 'latin1').digest('hex'));
    }
  });

  it('a signer over the native string conversion (E.toUint8Array, as the device signs) gives the same MACs', () => {
    const natives = createNatives({ Uint8Array });
    const key = new Uint8Array(randomBytes(32));
    // firmware/hal/device.ts's composition, with the virtual board's E.toUint8Array.
    const mac = hmacMac(nodeSha256, key);
    const device = { signHex: (text: string) => toHex(mac(natives.toUint8Array(text))) };
    const host = hmacSigner(nodeSha256, key);
    for (const message of ['', '{"dev":"a","boot":1,"seq":0,"k":"t","d":{"code":"scd41_crc"}}', 'caf\u00e9 \\ "q"', '~'.repeat(700)]) {
      expect(device.signHex(message)).toBe(host.signHex(message));
      expect(device.signHex(message)).toBe(createHmac('sha256', key).update(message, 'latin1').digest('hex'));
    }
  });

  it('hex helpers round-trip and reject bad input', () => {
    const bytes = new Uint8Array(randomBytes(40));
    expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
    expect(fromHex(toHex(bytes))).toEqual(bytes);
    expect(fromHex('abcd')).toEqual(new Uint8Array([0xab, 0xcd]));
    expect(fromHex('ABCD')).toBeNull();
    expect(fromHex('abc')).toBeNull();
    expect(fromHex('zz')).toBeNull();
    expect(fromHex('0g')).toBeNull(); // parseInt alone would read "0"
    expect(fromHex(' 1')).toBeNull();
    expect(fromHex('')).toEqual(new Uint8Array(0));
    // Not strings (a key read from JSON can be anything): null, never bytes.
    for (const bad of [1234, undefined, null, ['ab'], { length: 2 }]) expect(fromHex(bad as unknown as string)).toBeNull();
  });
});
