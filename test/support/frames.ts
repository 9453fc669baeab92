/**
 * Reading what a virtual board prints, for the app integration tests: its console cut into
 * lines, and signed frames checked against the device key like the bridge checks them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VirtualBoard } from '../../host/sim/index.ts';
import { splitFrame } from '../../firmware/core/wire.ts';

/** Calls `onLine` with every complete console line as it arrives (the console ends lines with "\r\n"). */
export function onConsoleLine(board: VirtualBoard, onLine: (line: string) => void): void {
  let pending = '';
  board.on('output', (text: string) => {
    pending += text;
    const parts = pending.split('\r\n');
    pending = parts.pop() ?? '';
    for (const part of parts) onLine(part);
  });
}

/** Checks a frame's HMAC with the device key (constant-time) and parses its JSON; throws on a forged line. */
export function verifySignedFrame<T>(line: string, keyHex: string): T {
  const frame = splitFrame(line);
  if (!frame) throw new Error(`not a frame: ${JSON.stringify(line)}`);
  const expected = createHmac('sha256', Buffer.from(keyHex, 'hex')).update(frame.json, 'latin1').digest();
  const actual = Buffer.from(frame.hmac, 'hex');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Error(`bad HMAC: ${line}`);
  return JSON.parse(frame.json) as T;
}
