import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value ?? null));
}

export function decodeJson(data: Uint8Array): unknown {
  if (data.length === 0) return {};
  try {
    return JSON.parse(decoder.decode(data)) as unknown;
  } catch {
    throw new PhdmfError(CommonErrorCode.MALFORMED_MESSAGE, 'Message body is not valid JSON');
  }
}
