/**
 * An expected failure as a value, never an exception (DESIGN.md principle 8): `{ ok: false, code }`.
 * One constructor for every such failure (sensor drivers, the device identity), so the bundle
 * carries the object literal once.
 */
export interface Fault {
  ok: false;
  code: string;
}

export function fault(code: string): Fault {
  return { ok: false, code: code };
}
