// The small dense algebra of the pooled IRLS step: XᵀWX is symmetric positive definite unless the
// design is collinear, so a Cholesky factorisation both solves the step and detects that case.
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';

/** Lower-triangular L with A = LLᵀ (A p×p row-major), or MODEL.SINGULAR. */
export function cholesky(a: readonly number[], p: number): Float64Array {
  const l = new Float64Array(p * p);
  const scale = Math.max(...Array.from({ length: p }, (_, i) => Math.abs(a[i * p + i] ?? 0)), 0);
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j] ?? 0;
    for (let k = 0; k < j; k++) d -= (l[j * p + k] ?? 0) ** 2;
    // Relative to the largest diagonal: R's qr uses tol 1e-7 on column norms, i.e. 1e-14 on squares.
    if (!(d > 1e-14 * scale)) throw new PhdmfError(ModellingErrorCode.SINGULAR, 'The covariates are collinear (or a level never occurs): XᵀWX is singular', { parameter: j });
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i * p + k] ?? 0) * (l[j * p + k] ?? 0);
      l[i * p + j] = s / ljj;
    }
  }
  return l;
}

/** x with LLᵀx = b. */
export function choleskySolve(l: Float64Array, p: number, b: readonly number[]): number[] {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i] ?? 0;
    for (let k = 0; k < i; k++) s -= (l[i * p + k] ?? 0) * (y[k] ?? 0);
    y[i] = s / (l[i * p + i] ?? 1);
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i] ?? 0;
    for (let k = i + 1; k < p; k++) s -= (l[k * p + i] ?? 0) * (x[k] ?? 0);
    x[i] = s / (l[i * p + i] ?? 1);
  }
  return [...x];
}

/** (LLᵀ)⁻¹, row-major, column by column. */
export function choleskyInverse(l: Float64Array, p: number): number[] {
  const inv = new Array<number>(p * p).fill(0);
  for (let j = 0; j < p; j++) {
    const col = choleskySolve(l, p, Array.from({ length: p }, (_, i) => (i === j ? 1 : 0)));
    col.forEach((v, i) => (inv[i * p + j] = v));
  }
  return inv;
}
