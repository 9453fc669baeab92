import vm from 'node:vm';
import { ESPRUINO_GLOBALS, MISSING_MEMBERS } from '../espruino/globals.ts';
const allowed = [...ESPRUINO_GLOBALS];
const parts: Record<string, string> = {
  none: '(function(){})',
  globals: `(function(allowed){ var g=globalThis; var keep={}; for (var k=0;k<allowed.length;k++) keep[allowed[k]]=true; var own=Object.getOwnPropertyNames(g); for (var n=0;n<own.length;n++) if(!keep[own[n]]) delete g[own[n]]; })`,
  members: `(function(allowed, mm){ var g=globalThis; for (var owner in mm){ var p=owner.split('.'); var t=g[p[0]]; for (var i=1;i<p.length&&t;i++) t=t[p[i]]; if(!t) continue; var names=mm[owner]; for (var j=0;j<names.length;j++) delete t[names[j]]; } })`,
  date: `(function(){ var g=globalThis; var RealDate=g.Date; function Date(){ return 1 } Date.prototype=RealDate.prototype; Object.defineProperty(RealDate.prototype,'constructor',{value:Date,writable:true,configurable:true}); Date.now=function(){return 0}; g.Date=Date; Math.round=function(x){return x}; })`,
};
const scripts = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, new vm.Script(v)]));
const totals: Record<string, number> = Object.fromEntries(Object.keys(parts).map((k) => [k, 0]));
for (let i = 0; i < 3000; i++) {
  for (const k of Object.keys(parts)) {
    const c = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
    const t = performance.now();
    (scripts[k]!.runInContext(c) as (a: unknown, b: unknown) => void)(allowed, MISSING_MEMBERS);
    totals[k]! += performance.now() - t;
  }
}
for (const k of Object.keys(parts)) console.log(k.padEnd(8), (totals[k]! / 3000 * 1000).toFixed(0), 'us');
