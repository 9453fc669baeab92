/** Accuracy, macro-F1 and the confusion matrix (rows: true class, columns: predicted). */

export interface Metrics {
  accuracy: number;
  macroF1: number;
  /** F1 per class, in class order. */
  f1: number[];
  confusion: number[][];
  count: number;
}

export function computeMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): Metrics {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]!++;
    if (truth[i] === predicted[i]) correct++;
  }
  const f1: number[] = [];
  for (let c = 0; c < classes; c++) {
    const tp = confusion[c]![c]!;
    let fp = 0;
    let fn = 0;
    for (let o = 0; o < classes; o++) {
      if (o === c) continue;
      fp += confusion[o]![c]!;
      fn += confusion[c]![o]!;
    }
    f1.push(tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));
  }
  // Macro-F1 over the classes present in the truth or the predictions.
  const present = f1.filter((_, c) => confusion[c]!.some((v) => v > 0) || confusion.some((row) => row[c]! > 0));
  const macroF1 = present.length === 0 ? 0 : present.reduce((a, b) => a + b, 0) / present.length;
  return { accuracy: truth.length === 0 ? 0 : correct / truth.length, macroF1, f1, confusion, count: truth.length };
}

/** A fixed-width confusion matrix for a terminal. */
export function formatConfusion(metrics: Metrics, labels: string[]): string {
  const short = labels.map((l) => (l.length > 10 ? l.slice(0, 10) : l));
  const width = Math.max(6, ...short.map((l) => l.length), ...metrics.confusion.flat().map((v) => String(v).length)) + 1;
  const lines = [' '.repeat(12) + short.map((l) => l.padStart(width)).join('') + '   (rows: true, columns: predicted)'];
  metrics.confusion.forEach((row, c) => lines.push(short[c]!.padEnd(12) + row.map((v) => String(v).padStart(width)).join('')));
  return lines.join('\n');
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
