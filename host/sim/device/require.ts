/**
 * require() and Modules on the virtual board. Lookup order: modules added with
 * Modules.addCached(name, source), modules the board was given, the built-in registry
 * (host/sim/modules), then a Storage file of that name (evaluated as a module, as Espruino does).
 * Anything else throws "Module <name> not found". A module is created once per boot.
 */
import { BUILTIN_MODULES } from '../modules/index.ts';
import type { DeviceSession } from './session.ts';

export function installRequire(session: DeviceSession, g: Record<string, unknown>): void {
  const { realm, board } = session;
  const loaded = new Map<string, unknown>();
  const cachedSources = new Map<string, unknown>();

  const evaluateModule = (name: string, source: string): unknown => {
    session.codeBytes += source.length;
    const wrapper = realm.evaluate(`(function (exports, module) {\n${source}\n})`, name, board.callTimeoutMs) as (e: unknown, m: unknown) => void;
    const module = new realm.Object() as { exports: unknown };
    module.exports = new realm.Object();
    wrapper(module.exports, module);
    return module.exports;
  };

  const load = (name: string): unknown => {
    if (cachedSources.has(name)) {
      const source = cachedSources.get(name);
      return typeof source === 'string' ? evaluateModule(name, source) : source;
    }
    const factory = board.extraModules[name] ?? BUILTIN_MODULES[name];
    if (factory) return factory({ board, session, realm });
    const file = board.storage.readString(name);
    if (file !== undefined) return evaluateModule(name, file);
    throw session.error(`Module ${name} not found`);
  };

  g.require = function require(name: unknown): unknown {
    session.guard();
    const key = String(name);
    if (!loaded.has(key)) loaded.set(key, load(key));
    return loaded.get(key);
  };

  const Modules = new realm.Object() as Record<string, unknown>;
  Modules.addCached = (name: unknown, source: unknown) => {
    session.guard();
    cachedSources.set(String(name), source);
    loaded.delete(String(name));
  };
  Modules.removeCached = (name: unknown) => {
    cachedSources.delete(String(name));
    loaded.delete(String(name));
  };
  Modules.removeAllCached = () => {
    cachedSources.clear();
    loaded.clear();
  };
  Modules.getCached = () => realm.array([...cachedSources.keys()]);
  g.Modules = Modules;
}
