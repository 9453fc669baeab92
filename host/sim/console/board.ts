/**
 * What the virtual console needs from a board. The sim's VirtualBoard is adapted to this in
 * adapter.ts; keeping the seam small lets the console be tested on its own.
 */
export interface ConsoleBoard {
  /** Runs code in the live context, as if typed at the prompt; returns its value, throws what it throws. */
  evaluate(code: string): unknown;
  /** Subscribes to text the program prints (print/console.log), each call one line without newline. */
  onOutput(listener: (line: string) => void): () => void;
  /** Subscribes to reboots (deep-sleep wake, E.reboot(), load()): the console resets echo and line state. */
  onReboot(listener: (banner: string) => void): () => void;
  /** Reads a Storage file, or undefined if absent. */
  readFile(name: string): Buffer | undefined;
  /** Storage.write semantics: creates `name` with `size` bytes when offset is 0, then fills bytes in. */
  writeFile(name: string, data: Buffer, offset: number, size: number): void;
  /** Free Storage bytes (to refuse a FILE_SEND that cannot fit). */
  storageFree(): number;
  /** What `process.env` says. */
  env(): { VERSION: string; BOARD: string };
  /** Defines a global in the live context (the console provides `echo`); re-applied after reboots by the adapter. */
  defineGlobal?(name: string, value: unknown): void;
  /** Where echo on/off lives when the board keeps it itself (the sim's echo() sets board.echo). */
  echoState?: { get(): boolean; set(on: boolean): void };
  /** Whether the board is in deep sleep (its console does not answer). */
  readonly sleeping?: boolean;
}

/** Formats a value the way Espruino's REPL shows a result after `=`. */
export function formatResult(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'function () { [native code] }';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}
