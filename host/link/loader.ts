/**
 * The tiny boot loader spruce keeps in `.bootcde`, and the staging names it understands.
 *
 * An upload never touches the files the running firmware uses. New files go to staged names
 * (`~name`), are verified by hash, and only then is a small commit record `spruce.commit` written:
 * `{"f":[["~spruce.js","spruce.js"],...]}`. At boot the loader copies staged files over the live ones,
 * erases the staged copies and then the record — a roll-forward that is safe to repeat if power
 * fails half-way, because the record is erased last. Without a record, the previous files boot as
 * before: an interrupted upload leaves the old firmware bootable.
 *
 * The loader then runs `spruce.js` from flash at the top level (eval of a flash-mapped string: functions stay in
 * flash, about half the RAM of code sent to the REPL) and prints one status line the host waits for.
 * ES5, no regexes, no hoisting assumptions (ESPRUINO.md section 1).
 */
import { createHash } from 'node:crypto';

export const BUNDLE_FILE = 'spruce.js';
export const VERSION_FILE = 'spruce.ver';
export const COMMIT_FILE = 'spruce.commit';
export const DEVICE_FILE = 'spruce.dev';
export const BOOT_FILE = '.bootcde';
/** Printed by the loader just before it runs the bundle. */
export const BOOT_START_PREFIX = 'spruce: starting ';
/** Printed by the loader once the bundle has run to its end without throwing. */
export const BOOT_OK_PREFIX = 'spruce: running ';
/** Printed by the loader when the bundle threw while loading. */
export const BOOT_FAIL_PREFIX = 'spruce: failed ';

export function stagedName(name: string): string {
  return '~' + name;
}

export const LOADER_SOURCE = [
  '(function(){var S=require("Storage"),r=S.read("spruce.commit"),c,i,d;',
  'if(r){try{c=JSON.parse(r)}catch(e){c=undefined}',
  'if(c&&c.f){for(i=0;i<c.f.length;i++){d=S.read(c.f[i][0]);if(d!==undefined)S.write(c.f[i][1],d)}',
  'for(i=0;i<c.f.length;i++)S.erase(c.f[i][0])}S.erase("spruce.commit")}})();',
  'global.__spruce=(function(){var v=require("Storage").read("spruce.ver");try{return v?JSON.parse(v):{}}catch(e){return {}}})();',
  // Top level, not inside a function: the bundle's top-level declarations must stay global.
  'var __b=require("Storage").read("spruce.js");if(__b===undefined){print("spruce: no app installed")}else{',
  'print("' + BOOT_START_PREFIX + '"+__spruce.app+" "+__spruce.sha);try{eval(__b);__spruce.ok=1;print("' + BOOT_OK_PREFIX + '"+__spruce.app+" "+__spruce.sha)}',
  'catch(e){__spruce.err=String(e);print("' + BOOT_FAIL_PREFIX + '"+__spruce.app+": "+e)}}__b=undefined;',
].join('');

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface VersionRecord {
  app: string;
  /** First 12 hex chars of the bundle's SHA-256: what the loader prints and the host checks. */
  sha: string;
  board: string;
  /** Upload time, ms since epoch (host clock). */
  at: number;
}
