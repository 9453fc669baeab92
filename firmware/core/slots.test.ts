import { describe, expect, it } from 'vitest';
import { MemoryFlash } from './flash-memory.ts';
import { encodeRecord } from './record.ts';
import { loadSlot, saveSlot } from './slots.ts';

describe('A/B slots', () => {
  it('alternates slots and loads the highest generation', () => {
    const flash = new MemoryFlash();
    expect(loadSlot(flash, 'x')).toBeNull();
    saveSlot(flash, 'x', 1, { a: 1 });
    saveSlot(flash, 'x', 2, { a: 2 });
    expect(Object.keys(flash.files).sort()).toEqual(['x0', 'x1']);
    expect(loadSlot(flash, 'x')).toEqual({ g: 2, v: { a: 2 } });
    saveSlot(flash, 'x', 3, { a: 3 });
    expect(loadSlot(flash, 'x')).toEqual({ g: 3, v: { a: 3 } });
  });

  it('falls back to the other slot when one is missing, torn, not JSON, or not a slot copy', () => {
    for (const damaged of [undefined, '#0010', encodeRecord('{"g":9,"v":'), encodeRecord('null'), encodeRecord('7'), encodeRecord('{"v":1}')]) {
      const flash = new MemoryFlash();
      saveSlot(flash, 'x', 4, 'four');
      if (damaged === undefined) delete flash.files.x1;
      else flash.write('x1', damaged);
      expect(loadSlot(flash, 'x'), String(damaged)).toEqual({ g: 4, v: 'four' });
    }
  });
});
