import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';

const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  // Buffer.from rather than TextEncoder.encode: for a reply of a few hundred bytes it takes about
  // half the time (small Buffers come from a preallocated pool; TextEncoder allocates each one).
  return Buffer.from(JSON.stringify(value ?? null), 'utf8');
}

export function decodeJson(data: Uint8Array): unknown {
  if (data.length === 0) return {};
  try {
    return JSON.parse(decoder.decode(data)) as unknown;
  } catch {
    throw new PhdmfError(CommonErrorCode.MALFORMED_MESSAGE, 'Message body is not valid JSON');
  }
}
