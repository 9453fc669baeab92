/**
 * The one definition of spruce's rollup pipeline, used by `spruce build`, the programmatic API
 * and rollup.config.mjs alike:
 *
 *   TypeScript 5.9 (target ES5, firmware/tsconfig.json)  ->  rollup, format "iife"
 *     ->  terser (ecma 5, safe transforms only)  ->  spruce's final pass (hoist + shims)
 *
 * Why each choice (all verified on the interpreter, ESPRUINO.md section 1):
 * - TypeScript 5.9 pinned: TypeScript 7 refuses target ES5 and has no API for the plugin.
 * - iife: the bundle is evaluated as a plain script; with "cjs" the bundle touches `exports`,
 *   which Espruino does not have.
 * - terser ecma 5: Espruino's parser must accept every byte; ES2015 output forms (arrows,
 *   shorthand) are only produced by terser when ecma >= 2015 or with unsafe_* options.
 * - the final pass runs after terser because terser relies on hoisting and would undo it.
 */
import typescript from '@rollup/plugin-typescript';
import terser, { type Options as TerserOptions } from '@rollup/plugin-terser';
import type { OutputOptions, RollupOptions } from 'rollup';
import { boardPinsPlugin, type BuildBoardPins } from './board-module.ts';
import { finalPassPlugin } from './final-pass.ts';

/**
 * terser settings. Everything that could emit non-ES5 syntax or change semantics is off:
 * `ecma: 5` for parse/compress/format, no unsafe_* transforms (their defaults are off; spelled
 * out so a terser upgrade cannot flip them), and `hoist_funs`/`hoist_vars` left to the final pass.
 */
export const TERSER_OPTIONS: TerserOptions = {
  ecma: 5,
  module: false,
  toplevel: false,
  compress: {
    ecma: 5,
    // A third pass still finds a few bytes (6 to 27 per app when measured; bench/bundle-size.ts
    // shows where a bundle's bytes go).
    passes: 3,
    // Property reads may run getters (TypeScript compiles class accessors to defineProperty);
    // terser's default "strict" would let it drop a read whose value is unused. Costs ~6 bytes.
    pure_getters: false,
    unsafe: false,
    unsafe_arrows: false,
    unsafe_comps: false,
    unsafe_Function: false,
    unsafe_math: false,
    unsafe_methods: false,
    unsafe_proto: false,
    unsafe_regexp: false,
    unsafe_symbols: false,
    unsafe_undefined: false,
    arrows: false,
    hoist_funs: false,
    hoist_vars: false,
    keep_fargs: true,
  },
  // Property names are not mangled. Measured on the occupancy bundle: a curated list of internal
  // names (persisted, frames, lines, signer, uplink, ...) saved 92 bytes of ~7,950, and every name
  // in such a list must be proven never to be a wire key, a Storage record key, a mailbox setting
  // or an Espruino API name, in every app: not worth that risk. Other compress knobs measured no
  // gain (passes 5, keep_fargs false) or a loss (inline 1, reduce_funcs/sequences/join_vars off).
  mangle: true,
  format: { ecma: 5, comments: false, ascii_only: true, semicolons: true },
  // One worker: builds run one app at a time and the machine is shared.
  maxWorkers: 1,
};

export interface PipelineOptions {
  /** Absolute path of the entry .ts file. */
  entry: string;
  /** tsconfig to compile with (a per-build file extending firmware/tsconfig.json). */
  tsconfig: string;
  /** Where the bundle will be written; names the source map's paths. */
  outFile: string;
  /**
   * The target board's pins (its JSON's `pins`), baked into the bundle in place of
   * firmware/hal/board-pins.ts; without them the file's own values (the esp32 board) are used.
   */
  boardPins?: BuildBoardPins;
}

export function pipelineInputOptions(options: PipelineOptions): RollupOptions {
  return {
    input: options.entry,
    // The device has no module loader for bundled code; `require("Storage")` and friends are
    // Espruino built-ins reached through the global `require`, never imports.
    external: [],
    // tslib holds a `typeof SuppressedError` probe that rollup would keep (reading an unknown
    // global "might" have effects); on the device reading a global never does.
    treeshake: { unknownGlobalSideEffects: false },
    plugins: [
      typescript({
        tsconfig: options.tsconfig,
        // Patterns resolve from "/" so entries outside the project (tests' temp files) compile too.
        filterRoot: '/',
        compilerOptions: { sourceMap: true, inlineSources: true, declaration: false, noEmit: false },
      }),
      // After the TypeScript plugin: it replaces that plugin's output for board-pins.ts.
      ...(options.boardPins ? [boardPinsPlugin(options.boardPins)] : []),
    ],
  };
}

export function pipelineOutputOptions(options: PipelineOptions): OutputOptions {
  return {
    file: options.outFile,
    format: 'iife',
    // 'hidden': produce the map but add no `//# sourceMappingURL` comment, which would only cost
    // bytes (and JsVars) on the device.
    sourcemap: 'hidden',
    // No "use strict" prologue: Espruino ignores the directive (ESPRUINO.md section 1), so it
    // only cost 13 bytes; the virtual board then runs the bundle in sloppy mode as the device does.
    strict: false,
    plugins: [terser(TERSER_OPTIONS), finalPassPlugin()],
  };
}
