/**
 * The firmware's one hex formatter, shared by the record header (record.ts), the \uXXXX escapes of
 * the wire JSON (wire.ts) and the HMAC's hex digits (hmac.ts): one function in the bundle.
 */

/** 4 lowercase hex digits of n (0 <= n < 65536); a byte's 2 digits are hex4(b).substr(2). */
export function hex4(n: number): string {
  return (n + 0x10000).toString(16).substr(1);
}
