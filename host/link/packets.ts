/**
 * Espruino's packet protocol (firmware 2v25+), both directions, as ESPRUINO.md section 4 describes:
 *
 *   DLE SOH <16-bit big-endian header: type in the top 3 bits, length in the low 13> <data>
 *
 * answered by a single ACK (0x06) or NAK (0x15). The same codec serves the host (host/link) and the
 * virtual board's console (host/sim/console), so the two cannot drift apart.
 */

export const DLE = 0x10;
export const SOH = 0x01;
export const ACK = 0x06;
export const NAK = 0x15;
export const XON = 0x11;
export const XOFF = 0x13;
export const CTRL_C = 0x03;
export const ENQ = 0x05;
export const ESC = 0x1b;

export const PacketType = {
  RESPONSE: 0,
  EVAL: 1,
  EVENT: 2,
  FILE_SEND: 3,
  DATA: 4,
  FILE_RECV: 5,
} as const;
export type PacketTypeCode = (typeof PacketType)[keyof typeof PacketType];

export const PACKET_TYPE_NAMES: Record<number, string> = {
  0: 'RESPONSE',
  1: 'EVAL',
  2: 'EVENT',
  3: 'FILE_SEND',
  4: 'DATA',
  5: 'FILE_RECV',
};

/** The largest payload a header can describe (13 bits). */
export const MAX_PACKET_DATA = 0x1fff;
/** A packet must arrive whole within this time, else the receiver drops it (and NAKs). */
export const PACKET_TIMEOUT_MS = 2000;
/** A gap longer than this between DATA packets aborts a file transfer. */
export const FILE_GAP_TIMEOUT_MS = 10_000;

export interface Packet {
  type: number;
  data: Buffer;
}

/** Encodes one packet. A zero-length packet is legal only as the DATA end-of-file marker. */
export function encodePacket(type: number, data: Uint8Array | string = Buffer.alloc(0)): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
  if (body.length > MAX_PACKET_DATA) throw new RangeError(`packet data is ${body.length} bytes; the protocol allows at most ${MAX_PACKET_DATA}`);
  if (!Number.isInteger(type) || type < 0 || type > 7) throw new RangeError(`packet type ${type} is not 0-7`);
  const header = (type << 13) | body.length;
  return Buffer.concat([Buffer.from([DLE, SOH, header >> 8, header & 0xff]), body]);
}

export function decodeHeader(high: number, low: number): { type: number; length: number } {
  const header = (high << 8) | low;
  return { type: header >> 13, length: header & MAX_PACKET_DATA };
}
