// What the edge does to request bytes before any DTO sees them: a nesting bound on JSON. (Requests
// Node's HTTP parser refuses on its own are answered by @phdmf/messaging's answerClientErrorsAsJson,
// shared with the storage sites.)

/**
 * Deepest JSON nesting a request body may have. The deepest legitimate body (an analysis with its
 * histograms) nests 4 levels; class-transformer and class-validator recurse per level, and a body
 * of 32 KiB can nest 16,000 deep, past the stack.
 */
export const MAX_JSON_DEPTH = 32;

/** The JSON nesting depth of `raw` (brackets outside strings), counted without recursion. */
export function jsonDepth(raw: Buffer): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: the next byte is escaped
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if (b === 0x7b || b === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
    }
  }
  return max;
}

/**
 * body-parser's `verify` hook: runs on the (decompressed) bytes before they are parsed. The error
 * is an http-errors style client error, so the exception filter answers it as HTTP.BAD_REQUEST.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, raw: Buffer): void {
  if (jsonDepth(raw) > MAX_JSON_DEPTH) {
    throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, expose: true, type: 'entity.too.deep' });
  }
}
