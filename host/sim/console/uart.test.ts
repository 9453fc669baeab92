import { describe, expect, it } from 'vitest';
import { XOFF, XON } from '../../link/packets.ts';
import { Uart } from './uart.ts';

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

describe('paced UART with XON/XOFF', () => {
  it('delivers every byte in order at line rate when the board keeps up', async () => {
    const uart = new Uart({ baud: 115200 });
    const got: Buffer[] = [];
    uart.on('toDevice', (b) => got.push(b));
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => i & 0xff));
    uart.fromHost(data);
    await until(() => Buffer.concat(got).length === data.length);
    expect(Buffer.concat(got)).toEqual(data);
    // More than one delivery: the bytes were paced, not handed over at once.
    expect(got.length).toBeGreaterThan(1);
    uart.stop();
  });

  it('sends XOFF while the board is busy and its buffer fills, XON when it drains; a host ignoring XOFF loses bytes', async () => {
    const uart = new Uart({ baud: 1_000_000, inputBuffer: 512 });
    const toHost: number[] = [];
    let delivered = 0;
    uart.on('toHost', (b) => toHost.push(...b));
    uart.on('toDevice', (b) => (delivered += b.length));
    // Long enough that even a slow, loaded machine ticks while the board is still busy.
    uart.busyFor(1000);
    uart.fromHost(Buffer.alloc(2000, 0x41));
    await until(() => toHost.includes(XON) && uart.pendingToDevice === 0);
    expect(toHost.indexOf(XOFF)).toBeGreaterThanOrEqual(0);
    expect(toHost.indexOf(XON)).toBeGreaterThan(toHost.indexOf(XOFF));
    expect(uart.lostBytes).toBeGreaterThan(0);
    expect(delivered + uart.lostBytes).toBe(2000);
    uart.stop();
  });
});
