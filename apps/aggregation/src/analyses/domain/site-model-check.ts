// What makes a storage node's model answer acceptable: the signed head every answer needs
// (signed-answer.ts), the operation asked, and numbers of the shape that operation releases — a
// table's counts, the correlation moments of the columns asked, a GLM session's parameters as the
// model names them, a step's matrices of the model's size at the β that was sent. Anything else
// fails the model: a number of the wrong shape would be pooled into the wrong cell.
import type { StorageModel } from '@phdmf/contracts';
import { checkSignedHead, isObject, mismatch, policyRefusal, type ExpectedHead, type Refusal } from './signed-answer';

export type ModelCheck<B> = { ok: true; body: B } | Refusal;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => isNumber(v) && v >= 0 && Number.isInteger(v);
const isCell = (v: unknown) => v === null || isCount(v);
const numbers = (v: unknown, length: number) => Array.isArray(v) && v.length === length && v.every(isNumber);
const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const sameList = (a: unknown, b: readonly unknown[]) => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);

type Shape = (body: Record<string, unknown>) => string | undefined;

function checkModelAnswer<B>(answer: unknown, expected: ExpectedHead, operation: StorageModel.ModelOperationKind, shape: Shape): ModelCheck<B> {
  const what = `${operation} answer`;
  const head = checkSignedHead(answer, expected, what);
  if (!head.ok) return head;
  const body = head.body;
  if (body.operation !== operation) return mismatch(expected, `the signed answer is of operation ${JSON.stringify(body.operation)}, expected ${operation}`);
  if (body.subsetCount !== undefined && !isCount(body.subsetCount)) return mismatch(expected, 'subsetCount is not a count');
  const problem = shape(body);
  if (problem !== undefined) return mismatch(expected, problem);
  const looser = policyRefusal(body, expected, what);
  if (looser !== undefined) return looser;
  return { ok: true, body: body as B };
}

const tableShape: Shape = (b) => {
  const t = b.table;
  if (!isObject(t) || !strings(t.rows) || !strings(t.columns) || !Array.isArray(t.counts) || !Array.isArray(t.rowTotals) || !Array.isArray(t.columnTotals)) return 'a malformed table';
  const rows = (t.rows).length;
  const columns = (t.columns).length;
  if (new Set(t.rows).size !== rows || new Set(t.columns).size !== columns) return 'a table level repeats';
  if (t.counts.length !== rows || !t.counts.every((line) => Array.isArray(line) && line.length === columns && line.every(isCell))) return 'the table\'s counts are not one count (or null) per cell';
  if (t.rowTotals.length !== rows || !t.rowTotals.every(isCell) || t.columnTotals.length !== columns || !t.columnTotals.every(isCell)) return 'the table\'s totals are not one count (or null) per line';
  return undefined;
};

/** A site's table. */
export function checkTableAnswer(answer: unknown, expected: ExpectedHead): ModelCheck<StorageModel.TableBody> {
  return checkModelAnswer(answer, expected, 'table', tableShape);
}

/** A site's moments of exactly the columns asked, in order, one pair (i ≤ j) each. */
export function checkCorrelationAnswer(answer: unknown, expected: ExpectedHead, columns: readonly string[]): ModelCheck<StorageModel.CorrelationBody> {
  const k = columns.length;
  return checkModelAnswer(answer, expected, 'correlation', (b) => {
    if (!sameList(b.columns, columns)) return 'the moments are not of the columns asked';
    if (!Array.isArray(b.pairs) || b.pairs.length !== (k * (k + 1)) / 2) return 'the moments do not hold one entry per pair of columns';
    const pairs: unknown[] = b.pairs;
    const bad = pairs.find((m) => !isObject(m) || !isCount(m.n) || !['meanX', 'meanY', 'sxx', 'syy', 'sxy'].every((key) => isNumber(m[key])) || (m.sxx as number) < 0 || (m.syy as number) < 0);
    return bad === undefined ? undefined : 'a pair\'s moments are malformed';
  });
}

/**
 * A site's open session, over the design the model names (its parameters in order); for a model
 * without an offset, with the null terms its null deviance is pooled from (`withNullTerms`).
 */
export function checkGlmOpenAnswer(answer: unknown, expected: ExpectedHead, parameters: readonly string[], withNullTerms: boolean): ModelCheck<StorageModel.GlmOpenBody> {
  return checkModelAnswer(answer, expected, 'glm.open', (b) => {
    if (typeof b.sessionId !== 'string' || b.sessionId.length === 0) return 'no session id';
    if (!sameList(b.parameters, parameters)) return `the session's parameters are ${JSON.stringify(b.parameters)}, the model's ${JSON.stringify(parameters)}`;
    if (!isCount(b.n)) return 'n is not a count';
    if (withNullTerms && (!isObject(b.nullTerms) || !isNumber(b.nullTerms.sumY) || !isNumber(b.nullTerms.own))) return 'the null terms are missing or malformed';
    return undefined;
  });
}

/** A site's IRLS step of the session asked, at the β sent, of the model's size. */
export function checkGlmStepAnswer(answer: unknown, expected: ExpectedHead, sessionId: string, beta: readonly number[] | null, p: number): ModelCheck<StorageModel.GlmStepBody> {
  return checkModelAnswer(answer, expected, 'glm.step', (b) => {
    if (b.sessionId !== sessionId) return `the step is of session ${JSON.stringify(b.sessionId)}, not ${sessionId}`;
    if (beta === null ? b.beta !== undefined : !sameList(b.beta, beta)) return 'the step was not computed at the coefficients sent';
    if (!isCount(b.n) || !isNumber(b.deviance) || !isNumber(b.aicTerms)) return 'n, deviance or AIC terms malformed';
    if (!numbers(b.xtwx, p * p) || !numbers(b.xtwz, p)) return `XᵀWX and XᵀWz are not ${p}×${p} and ${p} finite numbers`;
    return undefined;
  });
}
