/**
 * A compact L-BFGS minimiser (two-loop recursion, backtracking Armijo line search). The LUT
 * objective is smooth and convex, so this converges in tens to a few hundred evaluations.
 */

export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations?: number;
  memory?: number;
  /** Stop when the gradient's max-norm falls below this. */
  tolerance?: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function minimize(objective: Objective, start: Float64Array, options: LbfgsOptions = {}): { x: Float64Array; value: number; iterations: number } {
  const n = start.length;
  const m = options.memory ?? 8;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-5;
  const x = Float64Array.from(start);
  const grad = new Float64Array(n);
  let value = objective(x, grad);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Float64Array(m);
  const xNew = new Float64Array(n);
  const gradNew = new Float64Array(n);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(grad[i]!));
    if (gmax < tolerance) break;
    // Two-loop recursion: direction = −H·grad.
    direction.set(grad);
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(s[k]!, direction);
      for (let i = 0; i < n; i++) direction[i]! -= alpha[k]! * y[k]![i]!;
    }
    const gamma = s.length > 0 ? dot(s[s.length - 1]!, y[y.length - 1]!) / dot(y[y.length - 1]!, y[y.length - 1]!) : 1 / Math.max(1, gmax);
    for (let i = 0; i < n; i++) direction[i]! *= gamma;
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k]! * dot(y[k]!, direction);
      for (let i = 0; i < n; i++) direction[i]! += s[k]![i]! * (alpha[k]! - beta);
    }
    for (let i = 0; i < n; i++) direction[i] = -direction[i]!;
    let slope = dot(grad, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0; y.length = 0; rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -grad[i]! / Math.max(1, gmax);
      slope = dot(grad, direction);
    }
    let step = 1;
    let valueNew = 0;
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * direction[i]!;
      valueNew = objective(xNew, gradNew);
      if (valueNew <= value + 1e-4 * step * slope) { accepted = true; break; }
      step *= 0.5;
    }
    if (!accepted) break;
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) { sk[i] = xNew[i]! - x[i]!; yk[i] = gradNew[i]! - grad[i]!; }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === m) { s.shift(); y.shift(); rho.shift(); }
      s.push(sk); y.push(yk); rho.push(1 / sy);
    }
    const improvement = value - valueNew;
    x.set(xNew);
    grad.set(gradNew);
    value = valueNew;
    if (improvement >= 0 && improvement < 1e-10 * Math.max(1, Math.abs(value))) { iterations++; break; }
  }
  return { x, value, iterations };
}
