import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSeries, cutWindows } from './series.ts';
import { loadTabular } from './tabular.ts';
import { groupFolds, stratifiedFolds } from './split.ts';
import { chooseScale } from './scale.ts';
import { prepare } from '../prepare.ts';
import { SpruceError } from '../../host/errors.ts';

let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'spruce-data-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function series(rows: number, label = (i: number) => (i < rows / 2 ? 'A' : 'B'), subject = 's1'): string {
  const lines = ['subject,execution,activity,t_ms,ax,ay,az'];
  for (let i = 0; i < rows; i++) lines.push(`${subject},1,${label(i)},${i * 10},${i % 7},${-(i % 5)},${1000 + (i % 3)}`);
  return lines.join('\n') + '\n';
}

function thrown(fn: () => unknown): SpruceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SpruceError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('time-series loader', () => {
  it('cuts windows inside segments and labels them by majority', () => {
    const path = file('ok.csv', series(100));
    const data = loadSeries({ file: path, label: 'activity', group: 'subject', segment: 'execution', channels: ['ax', 'ay', 'az'], magnitude: true });
    expect(data.channelNames).toEqual(['ax', 'ay', 'az', 'mag']);
    const windows = cutWindows(data, 16, 8, 'majority');
    expect(windows).toHaveLength(11);
    expect(windows[0]!.label).toBe('A');
    expect(windows.at(-1)!.label).toBe('B');
    expect(cutWindows(data, 16, 8, 'pure').length).toBeLessThan(11);
    expect(windows[0]!.channels[3]![0]).toBe(1000);
  });

  it('resamples by box averages', () => {
    const path = file('rate.csv', series(100));
    const data = loadSeries({ file: path, label: 'activity', channels: ['ax'], sourceHz: 100, hz: 50 });
    expect(data.segments[0]!.channels[0]!.length).toBe(50);
    expect(data.segments[0]!.channels[0]![0]).toBe(1); // mean of 0 and 1, rounded half up
  });

  it('names the file, line and column of a non-numeric value', () => {
    const path = file('bad.csv', series(10).replace('s1,1,A,30,3,', 's1,1,A,30,x3,'));
    const error = thrown(() => loadSeries({ file: path, label: 'activity', channels: ['ax', 'ay'] }));
    expect(error.code).toBe('E_BAD_DATA');
    expect(error.message).toContain(`${path}:5, column "ax"`);
    expect(error.message).toContain('"x3" is not a number');
    expect(error.exit).toBe('BAD_INPUT');
  });

  it('names a missing column and lists the ones present', () => {
    const path = file('cols.csv', series(10));
    const error = thrown(() => loadSeries({ file: path, label: 'activity', channels: ['gx'] }));
    expect(error.message).toContain(`${path}:1, column "gx"`);
    expect(error.message).toContain('subject, execution, activity');
    expect(error.hint).toContain('--channels');
  });

  it('says when no window fits, naming the longest segment', () => {
    const path = file('short.csv', series(10));
    const data = loadSeries({ file: path, label: 'activity', group: 'subject', channels: ['ax'] });
    const error = thrown(() => cutWindows(data, 64, 32, 'majority'));
    expect(error.message).toContain(`${path}:2`);
    expect(error.message).toContain('no window of 64 samples fits');
    expect(error.hint).toContain('--window');
  });

  it('reports rows with the wrong number of fields', () => {
    const path = file('ragged.csv', 'a,b,label\n1,2,x\n1,x\n');
    expect(thrown(() => loadTabular({ file: path, label: 'label' })).message).toContain(`${path}:3: expected 3 fields`);
  });
});

describe('tabular loader', () => {
  it('turns float columns into integers with a recorded power-of-ten scale', () => {
    const path = file('table.csv', 'when,x,y,label\nmon,1.25,3,a\ntue,2.5,4,b\n');
    const table = loadTabular({ file: path, label: 'label', ignore: ['when'] });
    expect(table.names).toEqual(['x', 'y']);
    expect(table.scales).toEqual({ x: 100, y: 1 });
    expect(Array.from(table.rows[1]!)).toEqual([250, 4]);
    expect(thrown(() => loadTabular({ file: path, label: 'label' })).message).toContain('column "when"');
  });

  it('chooses scales that keep values inside the integer range', () => {
    expect(chooseScale([0.00479298817650529, 0.0048])).toBe(1e6);
    expect(chooseScale([123456789.5])).toBe(1);
  });
});

describe('splits', () => {
  it('stratified folds spread every class evenly and are reproducible', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const folds = stratifiedFolds(labels, 5, 1);
    for (let k = 0; k < 5; k++) {
      expect(labels.filter((l, i) => folds[i] === k && l === 1)).toHaveLength(4);
    }
    expect(Array.from(stratifiedFolds(labels, 5, 1))).toEqual(Array.from(folds));
  });

  it('group folds never split a group', () => {
    const groups = ['a', 'a', 'b', 'c', 'c', 'c', 'd'];
    const folds = groupFolds(groups, 2);
    expect(folds[0]).toBe(folds[1]);
    expect(folds[3]).toBe(folds[5]);
  });

  it('keeps test subjects out of training and refuses unknown ones', () => {
    const a = series(200, (i) => (i % 50 < 25 ? 'A' : 'B'), 's1');
    const b = series(200, (i) => (i % 50 < 25 ? 'A' : 'B'), 's2').split('\n').slice(1).join('\n');
    const path = file('two.csv', a + b);
    const base = { kind: 'series' as const, data: path, label: 'activity', group: 'subject', segment: 'execution', channels: ['ax', 'ay', 'az'], window: 16, hop: 8 };
    const prepared = prepare({ ...base, testGroups: ['s2'] });
    expect(new Set(prepared.train.groups)).toEqual(new Set(['s1']));
    expect(new Set(prepared.test!.groups)).toEqual(new Set(['s2']));
    expect(thrown(() => prepare({ ...base, testGroups: ['s9'] })).message).toContain('s9');
  });

  it('keeps blocks of consecutive rows together for the inner CV of time-ordered tables', () => {
    const path = file('ordered.csv', 'x,label\n1,a\n2,b\n3,a\n4,b\n5,a\n');
    const prepared = prepare({ kind: 'table', data: path, label: 'label', cv: 2, innerBlock: 2 });
    expect(prepared.train.groups).toEqual(['block0', 'block0', 'block1', 'block1', 'block2']);
    expect(prepare({ kind: 'table', data: path, label: 'label', cv: 2 }).train.groups.every((g) => g === '')).toBe(true);
  });

  it('reports a test class that has no training rows, with its line', () => {
    const train = file('tr.csv', 'x,label\n1,a\n2,b\n3,a\n');
    const test = file('te.csv', 'x,label\n1,a\n2,c\n');
    const error = thrown(() => prepare({ kind: 'table', data: train, test, label: 'label' }));
    expect(error.message).toContain(`${test}:3, column "label": class "c" has no rows in the training data`);
  });
});
