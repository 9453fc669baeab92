/**
 * Port discovery: what is plugged in, and which of it looks like an ESP32 board. The guess comes from
 * the USB bridge chips listed in boards/*.json (`usb` entries), so adding a board teaches discovery too.
 */
import { SerialPort } from 'serialport';
import { SpruceError } from '../errors.ts';
import { listBoardIds, loadBoard } from '../boards.ts';

export interface PortEntry {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
  /** Which USB bridge matched (e.g. "Silicon Labs CP210x"), if any. */
  bridge?: string;
  /** Boards whose usb list contains this VID/PID. */
  boards: string[];
  /** True when the port looks like an ESP32 board. */
  esp32: boolean;
}

export interface UsbId {
  vendorId: string;
  productId: string;
  name: string;
  board: string;
}

/** Native USB ESP32 variants (S2/S3/C3/C6 USB-Serial-JTAG) use Espressif's own VID. */
const ESPRESSIF_VID = '303a';

export function knownUsbIds(): UsbId[] {
  const ids: UsbId[] = [];
  for (const id of listBoardIds()) {
    const board = loadBoard(id) as unknown as { usb?: { vendorId: string; productId: string; name: string }[] };
    for (const usb of board.usb ?? []) ids.push({ vendorId: usb.vendorId.toLowerCase(), productId: usb.productId.toLowerCase(), name: usb.name, board: id });
  }
  return ids;
}

export function classifyPort(info: { path: string; vendorId?: string; productId?: string; serialNumber?: string; manufacturer?: string }, usbIds = knownUsbIds()): PortEntry {
  const vid = info.vendorId?.toLowerCase();
  const pid = info.productId?.toLowerCase();
  const matches = usbIds.filter((usb) => usb.vendorId === vid && usb.productId === pid);
  const entry: PortEntry = { path: info.path, boards: [...new Set(matches.map((m) => m.board))], esp32: matches.length > 0 };
  if (vid) entry.vendorId = vid;
  if (pid) entry.productId = pid;
  if (info.serialNumber) entry.serialNumber = info.serialNumber;
  if (info.manufacturer) entry.manufacturer = info.manufacturer;
  if (matches[0]) entry.bridge = matches[0].name;
  if (!entry.esp32 && vid === ESPRESSIF_VID) {
    entry.esp32 = true;
    entry.bridge = 'Espressif native USB';
  }
  return entry;
}

/** Lists serial ports. On Linux serialport asks `udevadm`; without it we say which package to install. */
export async function listPorts(): Promise<PortEntry[]> {
  let infos;
  try {
    infos = await SerialPort.list();
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' && String(err.message).includes('udevadm')) {
      throw new SpruceError('E_PORTS_UDEVADM', 'listing serial ports needs the `udevadm` tool, which is not installed', {
        exit: 'PORT',
        hint: 'install it (Debian/Ubuntu: `sudo apt-get install udev`), or pass the port directly with --port /dev/ttyUSB0',
        cause: error,
      });
    }
    throw new SpruceError('E_PORTS_LIST', `could not list serial ports: ${err.message}`, { exit: 'PORT', cause: error });
  }
  const usbIds = knownUsbIds();
  return infos.map((info) => classifyPort(info, usbIds));
}

/** Picks the port to use when none was given: the one ESP32-looking port, or an error saying what to pass. */
export function pickPort(ports: PortEntry[]): PortEntry {
  const candidates = ports.filter((port) => port.esp32);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new SpruceError('E_PORT_NONE', ports.length === 0 ? 'no serial ports found' : `no port looks like an ESP32 board (found: ${ports.map((p) => p.path).join(', ')})`, {
      exit: 'PORT',
      hint: 'plug the board in with a data (not charge-only) USB cable, or pass --port <path> / --tcp <host:port>; `spruce ports` lists what is there',
    });
  }
  throw new SpruceError('E_PORT_AMBIGUOUS', `several ports look like ESP32 boards: ${candidates.map((p) => p.path).join(', ')}`, {
    exit: 'PORT',
    hint: 'choose one with --port <path>',
  });
}
