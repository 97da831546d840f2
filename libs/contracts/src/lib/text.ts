// THE rule for text that crosses the platform: the REST edge's DTOs, every service's payload
// classes and (held equal by apps/ledger/src/chaincode/contracts-mirror.spec.ts) the chaincode's
// boundary checks. Text is well-formed UTF-16 (no lone surrogate: it cannot be encoded as UTF-8,
// and validators such as isEmail throw on it) and has no control character (C0 and DEL; tab and
// line breaks only in multiline text): databases refuse or mangle NUL, logs and terminals
// interpret the rest, and the chaincode refuses them, so a service that let one through would
// fail after the fact.
import { isEmail, ValidateBy, type ValidationOptions } from 'class-validator';
import { documented, type FieldDecorator as Decorator } from './documented';

/** SPKI public key in PEM form, as the chaincode accepts it. */
export const PUBLIC_KEY_PEM_PATTERN = /^-----BEGIN PUBLIC KEY-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END PUBLIC KEY-----(?:\r?\n)?$/;
/** An absolute URL with a scheme and a host (control characters are refused besides, by {@link isSafeText}). */
export const ENDPOINT_URL_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+(?:[/?#]\S*)?$/;

/** True when `value` is well-formed UTF-16 without control characters (tab, LF and CR allowed when multiline). */
export function isSafeText(value: string, multiline = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20) {
      if (!(multiline && (c === 0x09 || c === 0x0a || c === 0x0d))) return false;
    } else if (c === 0x7f) {
      return false;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** The words every refusal of {@link isSafeText} uses. */
export function safeTextProblem(multiline = false): string {
  return `must be well-formed text without control characters${multiline ? ' (other than tab and line breaks)' : ''}`;
}

/**
 * Refuses a string that breaks {@link isSafeText}; other types are left to the field's type check
 * (so it sits beside `@IsString()`, `@Length`, `@IsIn` …), `each` for lists of strings.
 */
export function SafeText(options: { multiline?: boolean } & Pick<ValidationOptions, 'each'> = {}): Decorator {
  const multiline = options.multiline === true;
  return ValidateBy(
    { name: 'safeText', validator: { validate: (v: unknown) => typeof v !== 'string' || isSafeText(v, multiline), defaultMessage: () => `$property ${safeTextProblem(multiline)}` } },
    options.each === true ? { each: true } : undefined,
  );
}

/** An e-mail address of at most 254 characters. Safe text first: validator's isEmail throws on a lone surrogate. */
export function IsEmailAddress(): Decorator {
  return documented(
    ValidateBy({
      name: 'isEmailAddress',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && v.length <= 254 && isSafeText(v) && isEmail(v),
        defaultMessage: () => '$property must be an e-mail address of at most 254 characters',
      },
    }),
    { type: 'string', format: 'email', maxLength: 254 },
  );
}

/**
 * A string of `min`-`max` characters with no rule on its content (a password, an opaque token):
 * what it holds is checked by whoever reads it (a hash comparison, a token lookup).
 */
export function IsBoundedString(min: number, max: number): Decorator {
  return documented(
    ValidateBy({
      name: 'isBoundedString',
      validator: { validate: (v: unknown) => typeof v === 'string' && v.length >= min && v.length <= max, defaultMessage: () => `$property must be a string of ${min}-${max} characters` },
    }),
    { type: 'string', minLength: min, maxLength: max },
  );
}

/** An absolute URL with a scheme and a host, at most `max` characters, as the chaincode accepts it. */
export function isEndpointUrl(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max && isSafeText(v) && ENDPOINT_URL_PATTERN.test(v);
}
