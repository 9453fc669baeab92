/**
 * The virtual board (host/sim): public API.
 *
 *   const board = new VirtualBoard({ storagePath, sensors: { environment: occupancyReplay(csv).source } });
 *   board.install({ bundle, files: { 'spruce.dev': JSON.stringify({ id, key }) } });
 *   board.on('output', (text) => process.stdout.write(text));
 *   await board.runWakes(1440);           // a simulated day of 1-minute wakes
 *   board.meter.reading();                // wakes, awakeMs, asleepMs, radioMs
 */
export { VirtualBoard, DeviceException, DEFAULT_COSTS } from './board.ts';
export type { VirtualBoardOptions, WakeResult, InstallInput, CostModel, BoardState } from './board.ts';
export { FlashStorage, PowerLoss, StorageError, bytesOf } from './storage.ts';
export { StorageFileHandle } from './storage-file.ts';
export { VirtualClock } from './clock.ts';
export { Meter, type MeterReading } from './meter.ts';
export { formatValue, formatPrintArgs, formatUncaught } from './format.ts';
export { BUILTIN_MODULES, registerModule, type ModuleContext, type ModuleFactory } from './modules/index.ts';
export { BoardHalt, type BoardPort, type SessionPort } from './port.ts';
export { DeviceSession } from './device/session.ts';
export { estimateMemory, VARS_PER_CODE_BYTE } from './device/espruino.ts';
export * from './sensors/index.ts';
export { AckingHost, type FrameEvent, type AckingHostOptions } from './acking-host.ts';
export { installBuild, DEVICE_FILE, deviceFile } from './install.ts';
