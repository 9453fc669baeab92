/**
 * Starting one boot: a fresh DeviceSession (sandbox, console, timers) with Espruino's objects,
 * the hardware (pins, I2C, serial) and require() installed into its globals, in that order.
 * Kept apart from session.ts so the installers may use the session without the session
 * importing them back.
 */
import type { BoardPort } from '../port.ts';
import { DeviceSession } from './session.ts';
import { installEspruinoObjects } from './espruino.ts';
import { installHardware } from './hardware.ts';
import { installRequire } from './require.ts';

export function startSession(board: BoardPort): DeviceSession {
  const session = new DeviceSession(board);
  const g = session.realm.global;
  installEspruinoObjects(session, g);
  installHardware(session, g);
  installRequire(session, g);
  // Anything still missing from the list is a device global we do not emulate: leave it absent
  // so firmware that needs it fails loudly here rather than on the board.
  return session;
}
