/**
 * require("crypto") of the ESP32 build: SHA256 only (no built-in HMAC, ESPRUINO.md section 3).
 * SHA256(data) takes a string (8-bit) or an ArrayBuffer / typed array and returns an ArrayBuffer
 * of 32 bytes, computed with Node's crypto.
 */
import { createHash } from 'node:crypto';
import { bytesOf } from '../storage.ts';
import type { ModuleContext } from '../port.ts';

export function createCryptoModule(ctx: ModuleContext): unknown {
  const { realm, session, board } = ctx;
  const crypto = new realm.Object() as Record<string, unknown>;
  crypto.SHA256 = function SHA256(data: unknown): ArrayBuffer {
    session.guard();
    const digest = createHash('sha256').update(bytesOf(data)).digest();
    board.clock.advanceBy(board.costs.sha256Ms);
    return new realm.Uint8Array(digest).buffer as ArrayBuffer;
  };
  return crypto;
}
