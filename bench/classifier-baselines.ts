/**
 * Baselines for bench/classifiers.ts, trained on the SAME integer feature rows as the LUT:
 * float multinomial logistic regression (dense, standardised, L2 by inner CV, written here on the
 * same L-BFGS), Gaussian naive Bayes (ml-naivebayes) and a 10-tree depth-6 random forest
 * (ml-random-forest). Each reports its predictions, a byte size for the device and the estimated
 * device cost per inference from models/cost.ts.
 */
import { GaussianNB } from 'ml-naivebayes';
import { RandomForestClassifier } from 'ml-random-forest';
import { fitLinear, predictLinear } from '../models/lut/linear.ts';
import { stratifiedFolds } from '../models/data/split.ts';
import { forestCostUs, logRegCostUs, naiveBayesCostUs } from '../models/cost.ts';

export interface BaselineResult {
  predicted: Int32Array;
  bytes: number;
  costUs: number;
  note?: string;
}

/** Float multinomial logistic regression on standardised features; L2 by inner 3-fold CV. */
export function logisticRegression(train: Int32Array[], y: Int32Array, test: Int32Array[], classes: number, lambdas = [1e-4, 1e-3, 1e-2, 1e-1]): BaselineResult {
  const folds = stratifiedFolds(y, 3, 11);
  let best = lambdas[0]!;
  let bestAccuracy = -1;
  for (const lambda of lambdas) {
    let correct = 0;
    for (let k = 0; k < 3; k++) {
      const trainAt = train.map((_, i) => i).filter((i) => folds[i] !== k);
      const testAt = train.map((_, i) => i).filter((i) => folds[i] === k);
      const model = fitLinear(trainAt.map((i) => train[i]!), Int32Array.from(trainAt, (i) => y[i]!), classes, lambda);
      const p = predictLinear(model, testAt.map((i) => train[i]!));
      testAt.forEach((row, j) => { if (p[j] === y[row]) correct++; });
    }
    if (correct > bestAccuracy) { bestAccuracy = correct; best = lambda; }
  }
  const model = fitLinear(train, y, classes, best);
  const f = train[0]!.length;
  // On the device the standardisation folds into the weights: one float32 per weight and bias.
  return { predicted: predictLinear(model, test), bytes: 4 * classes * (f + 1), costUs: logRegCostUs(f, classes), note: `λ=${best}` };
}

export function naiveBayes(train: Int32Array[], y: Int32Array, test: Int32Array[], classes: number): BaselineResult {
  const model = new GaussianNB();
  // Jitter-free but variance-safe: ml-naivebayes divides by the variance, so constant columns
  // get a tiny spread (documented in its README).
  const cols = train[0]!.length;
  const rows = train.map((r) => Array.from(r));
  for (let j = 0; j < cols; j++) {
    for (let c = 0; c < classes; c++) {
      const at = rows.findIndex((_, i) => y[i] === c);
      if (at >= 0) rows[at]![j]! += 1e-3;
    }
  }
  model.train(rows, Array.from(y));
  const predicted = Int32Array.from(model.predict(test.map((r) => Array.from(r))) as number[]);
  return { predicted, bytes: 4 * (2 * classes * cols + classes), costUs: naiveBayesCostUs(cols, classes) };
}

interface CartNode {
  left?: CartNode;
  right?: CartNode;
  splitColumn: number;
  splitValue: number;
}

function countNodes(node: CartNode): { internal: number; leaves: number } {
  if (!node.left || !node.right) return { internal: 0, leaves: 1 };
  const a = countNodes(node.left);
  const b = countNodes(node.right);
  return { internal: a.internal + b.internal + 1, leaves: a.leaves + b.leaves };
}

function pathDepth(node: CartNode, row: ArrayLike<number>): number {
  let depth = 0;
  while (node.left && node.right) {
    node = row[node.splitColumn]! < node.splitValue ? node.left : node.right;
    depth++;
  }
  return depth;
}

export function randomForest(train: Int32Array[], y: Int32Array, test: Int32Array[], classes: number): BaselineResult {
  const forest = new RandomForestClassifier({
    nEstimators: 10,
    maxFeatures: 0.7,
    replacement: true,
    useSampleBagging: true,
    seed: 3,
    treeOptions: { maxDepth: 6 },
    noOOB: true,
  } as never);
  forest.train(train.map((r) => Array.from(r)), Array.from(y));
  const testRows = test.map((r) => Array.from(r));
  const predicted = Int32Array.from(forest.predict(testRows));
  const estimators = (forest as unknown as { estimators: { root: CartNode }[]; indexes: number[][] }).estimators;
  const indexes = (forest as unknown as { indexes: number[][] }).indexes;
  let internal = 0;
  let leaves = 0;
  let depthTotal = 0;
  estimators.forEach((tree, t) => {
    const counts = countNodes(tree.root);
    internal += counts.internal;
    leaves += counts.leaves;
    for (const row of testRows) depthTotal += pathDepth(tree.root, indexes[t]!.map((j) => row[j]!));
  });
  const meanDepth = depthTotal / (estimators.length * testRows.length);
  // Flat arrays on the device: per internal node a feature (u8), a threshold (int32) and two
  // child indices (u16); per leaf its class (u8).
  const bytes = internal * (1 + 4 + 2 + 2) + leaves;
  return { predicted, bytes, costUs: forestCostUs(estimators.length, meanDepth, classes), note: `${internal} splits, mean path ${meanDepth.toFixed(1)}` };
}
