/**
 * SHA-256 (FIPS 180-4) for the tree's own small inputs, without per-call allocation except the
 * 32-byte result: interior nodes hash exactly 65 bytes (two blocks, fixed padding), and a
 * general JavaScript SHA-256 spends most of its time there on buffers and state objects (see
 * bench/RESULTS.md, Merkle profile). Larger inputs still go through the general implementation.
 *
 * The constants are derived as FIPS 180-4 §4.2.2 and §5.3.3 define them (fractional parts of
 * cube and square roots of the first primes) rather than typed in; tests compare every output
 * with an independent SHA-256.
 */

function firstPrimes(n: number): number[] {
  const primes: number[] = [];
  for (let c = 2; primes.length < n; c++) if (primes.every((p) => c % p !== 0)) primes.push(c);
  return primes;
}

const fraction32 = (x: number) => Math.floor((x - Math.floor(x)) * 2 ** 32) | 0;
const PRIMES = firstPrimes(64);
const K = Int32Array.from(PRIMES, (p) => fraction32(Math.cbrt(p)));
const H0 = Int32Array.from(PRIMES.slice(0, 8), (p) => fraction32(Math.sqrt(p)));

const W = new Int32Array(64);
const state = new Int32Array(8);
const block = new Uint8Array(128);

function compress(offset: number): void {
  const m = block;
  for (let t = 0, o = offset; t < 16; t++, o += 4)
    W[t] = (m[o]! << 24) | (m[o + 1]! << 16) | (m[o + 2]! << 8) | m[o + 3]!;
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (s1 + W[t - 7]! + s0 + W[t - 16]!) | 0;
  }
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!;
  let e = state[4]!,
    f = state[5]!,
    g = state[6]!,
    h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
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

/**
 * SHA-256 of `prefix || a || b` where the whole message is at most 119 bytes (so it pads into
 * at most two 64-byte blocks): exactly the shape of RFC 9162 node and small leaf inputs.
 * Precondition: 1 + a.length + b.length ≤ 119.
 */
export function sha256Prefixed(prefix: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  const length = 1 + a.length + b.length;
  const blocks = length + 9 <= 64 ? 1 : 2;
  block.fill(0, 0, blocks * 64);
  block[0] = prefix;
  block.set(a, 1);
  block.set(b, 1 + a.length);
  block[length] = 0x80;
  const bits = length * 8;
  block[blocks * 64 - 2] = bits >>> 8;
  block[blocks * 64 - 1] = bits & 0xff;
  state.set(H0);
  compress(0);
  if (blocks === 2) compress(64);
  const out = new Uint8Array(32);
  for (let i = 0, o = 0; i < 8; i++, o += 4) {
    const v = state[i]!;
    out[o] = v >>> 24;
    out[o + 1] = v >>> 16;
    out[o + 2] = v >>> 8;
    out[o + 3] = v;
  }
  return out;
}

/** Longest message sha256Prefixed accepts. */
export const SMALL_MESSAGE_MAX = 119;
