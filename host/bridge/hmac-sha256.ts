/**
 * HMAC-SHA256 of latin1 strings, in JavaScript, with each key's padded blocks hashed once.
 *
 * Why not createHmac: the bridge verifies one short line (~80 bytes) per message. Node's createHmac
 * costs ~5 µs per call, almost all of it crossing into C++ and building an HMAC context (key
 * import, a JS Hmac object, a digest Buffer) — the hashing itself is three SHA-256 blocks. Here the
 * HMAC inner and outer states after the key's ipad/opad block are computed once per key (the
 * "midstates"), so each message costs only its own blocks plus one outer block, with no allocation.
 * The result is checked against createHmac for random keys and inputs (hmac-sha256.test.ts).
 *
 * Timing: SHA-256 uses only additions, rotations and boolean operations on 32-bit words, no
 * data-dependent table lookups or branches, so the computation does not leak the key through
 * timing. Comparing the result with the received MAC is still crypto.timingSafeEqual's job.
 *
 * Strings are taken as latin1, byte = charCode & 0xff, exactly as `hmac.update(text, 'latin1')`.
 */

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: the initial hash value. */
const INITIAL = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const BLOCK = 64;

/** Message schedule and a block being assembled: reused by every call (single-threaded, no re-entry). */
const W = new Int32Array(64);
const inner = new Int32Array(8);

/**
 * Runs the compression function on the 16 words already in W[0..15], updating `state`. The message
 * schedule is extended inside the round loop (W[t] is computed just before round t uses it).
 */
function compress(state: Int32Array): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t++) {
    let w: number;
    if (t < 16) {
      w = W[t]!;
    } else {
      const w15 = W[t - 15]!;
      const w2 = W[t - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      w = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
      W[t] = w;
    }
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[t]! + w) | 0;
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Hashes one 64-byte block of `bytes` at `offset` into `state`. */
function compressBytes(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + 4 * i;
    W[i] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
  }
  compress(state);
}

/** A key prepared for HMAC-SHA256: the states after its ipad and opad blocks. */
export class HmacSha256Key {
  private readonly innerStart = new Int32Array(8);
  private readonly outerStart = new Int32Array(8);

  constructor(key: Uint8Array) {
    if (key.length > BLOCK) throw new RangeError('HMAC keys longer than 64 bytes are not supported (device keys are 32)');
    const pad = new Uint8Array(BLOCK);
    this.innerStart.set(INITIAL);
    for (let i = 0; i < BLOCK; i++) pad[i] = (key[i] ?? 0) ^ 0x36;
    compressBytes(this.innerStart, pad, 0);
    this.outerStart.set(INITIAL);
    for (let i = 0; i < BLOCK; i++) pad[i] = (key[i] ?? 0) ^ 0x5c;
    compressBytes(this.outerStart, pad, 0);
    pad.fill(0);
  }

  /**
   * HMAC-SHA256 of `text.slice(start, end)` taken as latin1, written as 32 bytes into `out`
   * (reuse one output buffer: nothing is allocated per call).
   */
  digestLatin1(text: string, start: number, end: number, out: Uint8Array): void {
    const state = inner;
    state.set(this.innerStart);
    const length = end - start;
    // Full blocks straight from the string.
    let i = start;
    while (end - i >= BLOCK) {
      for (let w = 0; w < 16; w++, i += 4) {
        W[w] = ((text.charCodeAt(i) & 0xff) << 24) | ((text.charCodeAt(i + 1) & 0xff) << 16) | ((text.charCodeAt(i + 2) & 0xff) << 8) | (text.charCodeAt(i + 3) & 0xff);
      }
      compress(state);
    }
    // The tail, the 0x80 marker and the bit length (of ipad block + message) in one or two blocks.
    const tail = end - i;
    // Whole words of the tail four bytes at a time, then the last partial word with the marker
    // (per-byte read-modify-writes and fill() calls were a visible share of a short message).
    const words = tail >> 2;
    for (let w = 0; w < words; w++, i += 4) {
      W[w] = ((text.charCodeAt(i) & 0xff) << 24) | ((text.charCodeAt(i + 1) & 0xff) << 16) | ((text.charCodeAt(i + 2) & 0xff) << 8) | (text.charCodeAt(i + 3) & 0xff);
    }
    let last = 0x80 << (24 - 8 * (tail & 3));
    for (let j = 0; j < (tail & 3); j++) last |= (text.charCodeAt(i + j) & 0xff) << (24 - 8 * j);
    W[words] = last;
    for (let w = words + 1; w < 16; w++) W[w] = 0;
    if (tail >= BLOCK - 8) {
      compress(state);
      for (let w = 0; w < 16; w++) W[w] = 0;
    }
    const bits = (BLOCK + length) * 8;
    W[14] = Math.floor(bits / 0x100000000) | 0;
    W[15] = bits | 0;
    compress(state);
    // Outer hash: opad state, then the 32-byte inner digest, marker and length (64 + 32 bytes).
    for (let w = 0; w < 8; w++) W[w] = state[w]!;
    W[8] = 0x80000000 | 0;
    for (let w = 9; w < 15; w++) W[w] = 0;
    W[15] = (BLOCK + 32) * 8;
    const outer = state;
    outer.set(this.outerStart);
    compress(outer);
    for (let w = 0; w < 8; w++) {
      const v = outer[w]!;
      out[4 * w] = v >>> 24;
      out[4 * w + 1] = (v >>> 16) & 0xff;
      out[4 * w + 2] = (v >>> 8) & 0xff;
      out[4 * w + 3] = v & 0xff;
    }
  }
}
