/** Folds and splits with a fixed seed, so every run of a command gives the same partitions. */
import { seededRandom } from '../../host/random.ts';

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Stratified k folds: returns the fold index of every row (each class spread evenly). */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed = 1): Int32Array {
  const fold = new Int32Array(labels.length);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass.get(labels[i]!) ?? [];
    rows.push(i);
    byClass.set(labels[i]!, rows);
  }
  const random = seededRandom(seed);
  let next = 0;
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const row of shuffle(byClass.get(key)!, random)) fold[row] = next++ % k;
  }
  return fold;
}

/** Group k folds: whole groups (subjects) go to one fold; groups are dealt largest first. */
export function groupFolds(groups: string[], k: number): Int32Array {
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  const load = new Array<number>(k).fill(0);
  const assigned = new Map<string, number>();
  for (const [g, size] of [...sizes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    let best = 0;
    for (let f = 1; f < k; f++) if (load[f]! < load[best]!) best = f;
    assigned.set(g, best);
    load[best]! += size;
  }
  return Int32Array.from(groups, (g) => assigned.get(g)!);
}
