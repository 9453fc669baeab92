/**
 * The virtual board's I2C bus: emulated devices answer at register level, so firmware drivers
 * (firmware/hal) run unchanged against them. Devices keep their own state across the ESP32's
 * deep sleep (they are separate chips that stay powered), so the bus belongs to the board, not
 * to one boot.
 */

/** What a test can make a device do wrong. */
export type I2CFault =
  | null
  /** The device is present but does not acknowledge (a stuck or busy chip). */
  | 'nak'
  /** Nothing answers at the address (unplugged, wrong address, no power). */
  | 'absent'
  /** The device answers but its checksums are wrong (noise on the bus). */
  | 'crc';

export interface I2CDevice {
  readonly address: number;
  readonly name: string;
  fault: I2CFault;
  /** Bytes the master wrote in one transaction. */
  write(bytes: Uint8Array, tMs: number): void;
  /** Bytes the master reads in one transaction. */
  read(count: number, tMs: number): Uint8Array;
}

/** A transaction the device refused: the firmware sees it as an exception from I2C. */
export class I2CError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'I2CError';
  }
}

function hex(address: number): string {
  return `0x${address.toString(16).padStart(2, '0')}`;
}

export class I2CBus {
  private readonly devices = new Map<number, I2CDevice>();
  /** Every transaction, for tests that check what the driver did (kept short). */
  readonly log: { op: 'write' | 'read'; address: number; bytes: number[]; tMs: number }[] = [];
  logLimit = 200;

  attach(device: I2CDevice): void {
    this.devices.set(device.address, device);
  }

  detach(address: number): void {
    this.devices.delete(address);
  }

  device(address: number): I2CDevice | undefined {
    return this.devices.get(address);
  }

  list(): I2CDevice[] {
    return [...this.devices.values()];
  }

  private answering(address: number): I2CDevice {
    const device = this.devices.get(address);
    if (!device || device.fault === 'absent' || device.fault === 'nak') {
      throw new I2CError(`I2C device ${hex(address)} did not acknowledge (NAK)`);
    }
    return device;
  }

  private record(op: 'write' | 'read', address: number, bytes: Uint8Array, tMs: number): void {
    if (this.log.length >= this.logLimit) this.log.shift();
    this.log.push({ op, address, bytes: [...bytes], tMs });
  }

  writeTo(address: number, bytes: Uint8Array, tMs: number): void {
    this.record('write', address, bytes, tMs);
    this.answering(address).write(bytes, tMs);
  }

  readFrom(address: number, count: number, tMs: number): Uint8Array {
    const data = this.answering(address).read(count, tMs);
    this.record('read', address, data, tMs);
    return data;
  }
}

/** Sensirion's CRC-8: polynomial 0x31, initial value 0xFF, no reflection, no final XOR. */
export function sensirionCrc8(bytes: ArrayLike<number>, start = 0, length = bytes.length - start): number {
  let crc = 0xff;
  for (let i = start; i < start + length; i++) {
    crc ^= bytes[i]! & 0xff;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}
