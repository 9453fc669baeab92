import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';

describe('VirtualClock', () => {
  it('runs timers in due order, ties in the order they were set, and re-arms intervals without drift', () => {
    const clock = new VirtualClock(1000);
    const fired: string[] = [];
    clock.add(() => fired.push('b'), 50, false, []);
    clock.add(() => fired.push('a'), 10, false, []);
    clock.add(() => fired.push('c'), 50, false, []);
    const iv = clock.add(() => fired.push(`i@${clock.nowMs}`), 30, true, []);
    for (let t = clock.takeDue(1100); t; t = clock.takeDue(1100)) t.callback();
    expect(fired).toEqual(['a', 'i@1030', 'b', 'c', 'i@1060', 'i@1090']);
    expect(clock.nowMs).toBe(1090);
    expect(clock.has(iv)).toBe(true);
    clock.clear(iv);
    expect(clock.peek()).toBeUndefined();
  });

  it('treats bad delays as 0 and never goes back in time', () => {
    const clock = new VirtualClock();
    clock.add(() => undefined, Number.NaN, false, []);
    clock.add(() => undefined, -5, false, []);
    expect(clock.peek()!.dueMs).toBe(0);
    clock.advanceTo(100);
    clock.advanceTo(50);
    expect(clock.nowMs).toBe(100);
    clock.clear('not an id');
    expect(clock.pendingCount).toBe(2);
  });
});
