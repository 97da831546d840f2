import { IsString, Length, MaxLength, MinLength } from 'class-validator';
import { allOf, documented, type FieldDecorator as Decorator } from '../../lib/documented';
import { SafeText } from '../../lib/text';

/** OWASP ASVS 2.1: at least 12 characters; an upper bound keeps hashing cost bounded. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
export const DISPLAY_NAME_MAX_LENGTH = 200;

/** A password as the policy accepts it (length only: ASVS advises against composition rules). */
export function IsPassword(): Decorator {
  return documented(allOf(IsString(), MinLength(PASSWORD_MIN_LENGTH), MaxLength(PASSWORD_MAX_LENGTH)), { type: 'string', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH });
}

/** A display name: visible text of bounded length (the one text rule: no control characters). */
export function IsDisplayName(): Decorator {
  return documented(allOf(IsString(), Length(1, DISPLAY_NAME_MAX_LENGTH), SafeText()), { type: 'string', minLength: 1, maxLength: DISPLAY_NAME_MAX_LENGTH });
}
