/**
 * Reading what a board prints, line by line: telemetry frames decoded and verified (when the
 * device's key is known), `Uncaught` errors singled out, REPL noise (prompt redraws) cleaned away.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { KIND_NAMES, splitFrame, type Envelope } from '../../firmware/core/wire.ts';

export type MonitorLine =
  | { type: 'frame'; t: string; line: string; envelope: Envelope | null; kind: string; verified: boolean | null; problem?: string }
  | { type: 'error'; t: string; line: string }
  | { type: 'text'; t: string; line: string };

/** Verifies a frame's HMAC in constant time. */
export function verifyFrameHmac(json: string, hmacHex: string, keyHex: string): boolean {
  const expected = createHmac('sha256', Buffer.from(keyHex, 'hex')).update(json, 'latin1').digest();
  const given = Buffer.from(hmacHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Removes the console's prompt redraw (`\r\x1b[J`) and a leading `>` prompt. */
export function cleanConsoleLine(raw: string): string {
  let line = raw.split('\x1b[J').pop()!.replace(/\r/g, '');
  while (line.startsWith('>')) line = line.slice(1);
  return line;
}

export function classifyLine(raw: string, keys: Record<string, string>, now = new Date()): MonitorLine | null {
  const line = cleanConsoleLine(raw);
  if (line.trim() === '') return null;
  const t = now.toISOString();
  const frame = splitFrame(line);
  if (frame) {
    let envelope: Envelope | null = null;
    try {
      envelope = JSON.parse(frame.json) as Envelope;
    } catch {
      return { type: 'frame', t, line, envelope: null, kind: '?', verified: false, problem: 'the JSON does not parse' };
    }
    const key = envelope && typeof envelope.dev === 'string' ? keys[envelope.dev] : undefined;
    const verified = key ? verifyFrameHmac(frame.json, frame.hmac, key) : null;
    const kind = KIND_NAMES[envelope?.k as string] ?? String(envelope?.k);
    const result: MonitorLine = { type: 'frame', t, line, envelope, kind, verified };
    if (verified === false) result.problem = 'HMAC does not match the key in the registry';
    return result;
  }
  if (line.includes('Uncaught')) return { type: 'error', t, line };
  return { type: 'text', t, line };
}

/** Assembles lines from console text chunks. */
export class LineAssembler {
  private partial = '';
  push(text: string, onLine: (line: string) => void): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    if (this.partial.length > 100_000) this.partial = this.partial.slice(-100_000);
    for (const part of parts) onLine(part);
  }
}

const RED = '\x1b[31;1m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** Formats a line for a terminal (colour) or a log file (no colour). */
export function formatForHuman(entry: MonitorLine, colour: boolean): string {
  const paint = (code: string, text: string) => (colour ? code + text + RESET : text);
  const stamp = paint(DIM, entry.t.slice(11, 23));
  if (entry.type === 'error') return `${stamp} ${paint(RED, '!! ' + entry.line)}`;
  if (entry.type === 'text') return `${stamp} ${entry.line}`;
  const e = entry.envelope;
  const mark = entry.verified === true ? paint(GREEN, 'verified') : entry.verified === false ? paint(RED, `NOT VERIFIED (${entry.problem})`) : paint(YELLOW, 'unverified: no key for this device');
  if (!e) return `${stamp} ${paint(RED, 'bad frame: ' + entry.problem)} ${entry.line}`;
  return `${stamp} ${e.dev} boot ${e.boot} #${e.seq} ${entry.kind} ${JSON.stringify(e.d)} [${mark}]`;
}

export function formatForJson(entry: MonitorLine): string {
  if (entry.type === 'frame') {
    return JSON.stringify({ t: entry.t, type: 'frame', kind: entry.kind, verified: entry.verified, ...(entry.problem ? { problem: entry.problem } : {}), envelope: entry.envelope, line: entry.line });
  }
  return JSON.stringify(entry);
}
