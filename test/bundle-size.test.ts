/**
 * bench/bundle-size.ts charges every byte of a bundle to the module its source map names; checked
 * here on a small two-module "bundle" whose map magic-string writes, so the expected shares are
 * known exactly (no build needed).
 */
import MagicString, { Bundle } from 'magic-string';
import { describe, expect, it } from 'vitest';
import { attributeBytes, groupOf } from '../bench/bundle-size.ts';

describe('bundle-size attribution', () => {
  it('charges each byte to its source module and the rest to (unmapped), summing to the bundle size', () => {
    const bundle = new Bundle({ separator: '' });
    bundle.addSource({ filename: '/x/firmware/core/a.ts', content: new MagicString('function a(){return 1}') });
    bundle.addSource({ filename: '/x/firmware/hal/b.ts', content: new MagicString('function b(){return"bb"}\nb();') });
    bundle.prepend('!0;');
    const code = bundle.toString();
    const map = bundle.generateMap({ hires: true, includeContent: false });
    const shares = attributeBytes(code, map.toString());
    const byModule = Object.fromEntries(shares.map((s) => [s.module, s.bytes]));
    expect(byModule).toEqual({
      'firmware/core/a.ts': 'function a(){return 1}'.length,
      'firmware/hal/b.ts': 'function b(){return"bb"}'.length + 'b();'.length,
      '(unmapped)': '!0;'.length + 1, // the prepended text and the newline
    });
    expect(shares.reduce((sum, s) => sum + s.bytes, 0)).toBe(Buffer.byteLength(code));
    expect(shares[0]!.module).toBe('firmware/hal/b.ts'); // largest first
  });

  it('groups modules by the part of the firmware they belong to', () => {
    expect(groupOf('firmware/core/lut/infer.ts')).toMatch(/classifier runtime/);
    expect(groupOf('firmware/apps/occupancy/model.gen.ts')).toMatch(/app classifier/);
    expect(groupOf('firmware/apps/occupancy/main.ts')).toBe('app (main, config)');
    expect(groupOf('firmware/core/step.ts')).toBe('core');
    expect(groupOf('firmware/hal/uplink.ts')).toBe('hal');
    expect(groupOf('(unmapped)')).toMatch(/unmapped/);
  });
});
