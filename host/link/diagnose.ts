/**
 * Naming what went wrong on a link, from what the board did (or did not) say: silence, line noise
 * (wrong baud, ROM bootloader), a refusal (NAK); and reading Espruino's version string.
 */
import { SpruceError } from '../errors.ts';

/** Parses Espruino's version string ("2v29", "2v25.13"). */
export function parseVersion(version: string): { major: number; minor: number } | undefined {
  const match = /^(\d+)v(\d+)/.exec(version);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

export function supportsPackets(version: string): boolean {
  const parsed = parseVersion(version);
  return parsed !== undefined && (parsed.major > 2 || (parsed.major === 2 && parsed.minor >= 25));
}

/**
 * The error for "no answer": garbled bytes (mostly non-printable) point at the baud rate or the ROM
 * bootloader, true silence at power, the port, or deep sleep.
 */
export function silenceError(what: string, recentText: string, linkName: string, cause?: unknown): SpruceError {
  const garbage = recentText.slice(-200);
  const unprintable = [...garbage].filter((c) => c.charCodeAt(0) >= 0x80 || (c.charCodeAt(0) < 0x20 && !'\r\n\t\x1b'.includes(c))).length;
  if (garbage.length > 0 && unprintable > garbage.length / 4) {
    return new SpruceError('E_DEVICE_GARBLED', `${what}; it sent unreadable bytes instead (${JSON.stringify(garbage.slice(-40))})`, {
      exit: 'DEVICE',
      hint: 'the baud rate is probably wrong (Espruino on ESP32 uses 115200), or the chip is in the ROM bootloader: press EN (reset) and try again',
      cause,
    });
  }
  return new SpruceError('E_DEVICE_NO_ANSWER', `${what} (on ${linkName})`, {
    exit: 'DEVICE',
    hint: 'is Espruino running on the board? Press EN (reset), check the port and baud (115200); a board in deep sleep answers only when it wakes',
    cause,
  });
}

export function nakError(what: string): SpruceError {
  return new SpruceError('E_DEVICE_NAK', `the board refused ${what} (NAK)`, {
    exit: 'DEVICE',
    hint: 'the file may not fit in Storage, the name may be too long (28 chars max), or bytes were lost on the line; retry, and check `require("Storage").getFree()`',
  });
}

