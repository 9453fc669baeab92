import { describe, expect, it } from 'vitest';
import { classifyPort, pickPort, knownUsbIds } from './ports.ts';
import { serialOpenError } from './serial.ts';
import { parseTcpTarget } from './tcp.ts';

describe('port discovery', () => {
  it('knows the USB bridges listed in boards/*.json', () => {
    expect(knownUsbIds().some((u) => u.vendorId === '10c4' && u.productId === 'ea60')).toBe(true);
  });

  it('guesses ESP32 boards from VID/PID, including Espressif native USB', () => {
    expect(classifyPort({ path: '/dev/ttyUSB0', vendorId: '10C4', productId: 'EA60', serialNumber: 'abc' })).toMatchObject({ esp32: true, bridge: 'Silicon Labs CP210x', serialNumber: 'abc' });
    expect(classifyPort({ path: '/dev/ttyACM0', vendorId: '303a', productId: '0002' })).toMatchObject({ esp32: true, bridge: 'Espressif native USB' });
    expect(classifyPort({ path: '/dev/ttyACM1', vendorId: '2341', productId: '0043' })).toMatchObject({ esp32: false });
  });

  it('picks the one ESP32, or says what to pass', () => {
    const esp = classifyPort({ path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523' });
    const other = classifyPort({ path: '/dev/ttyS0' });
    expect(pickPort([other, esp]).path).toBe('/dev/ttyUSB0');
    expect(() => pickPort([other])).toThrow(expect.objectContaining({ code: 'E_PORT_NONE' }));
    expect(() => pickPort([esp, { ...esp, path: '/dev/ttyUSB1' }])).toThrow(expect.objectContaining({ code: 'E_PORT_AMBIGUOUS' }));
  });
});

describe('serial open errors say what to do', () => {
  it('maps permission, busy and missing', () => {
    expect(serialOpenError('/dev/null', new Error('Error: Permission denied, cannot open /dev/ttyUSB0'))).toMatchObject({ code: 'E_PORT_PERMISSION', hint: expect.stringContaining('dialout') });
    expect(serialOpenError('/dev/null', new Error('Error Resource temporarily unavailable Cannot lock port'))).toMatchObject({ code: 'E_PORT_BUSY', exit: 'PORT' });
    expect(serialOpenError('/nonexistent/tty', new Error('Error: No such file or directory, cannot open /nonexistent/tty'))).toMatchObject({ code: 'E_PORT_MISSING' });
  });
});

describe('parseTcpTarget', () => {
  it('accepts host:port and tcp:// forms, defaulting to port 23', () => {
    expect(parseTcpTarget('tcp://192.168.1.7')).toEqual({ host: '192.168.1.7', port: 23 });
    expect(parseTcpTarget('localhost:2323')).toEqual({ host: 'localhost', port: 2323 });
    expect(() => parseTcpTarget('host:99999')).toThrow(expect.objectContaining({ code: 'E_TCP_TARGET' }));
  });
});
