import { IsString, Length, MaxLength, MinLength } from 'class-validator';
import { SafeText } from '../../lib/text';

/** OWASP ASVS 2.1: at least 12 characters; an upper bound keeps hashing cost bounded. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

type Decorator = (target: object, propertyKey: string) => void;

/** A password as the policy accepts it (length only: ASVS advises against composition rules). */
export function IsPassword(): Decorator {
  return (target, key) => {
    IsString()(target, key);
    MinLength(PASSWORD_MIN_LENGTH)(target, key);
    MaxLength(PASSWORD_MAX_LENGTH)(target, key);
  };
}

/** A display name: visible text of bounded length (the one text rule: no control characters). */
export function IsDisplayName(): Decorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, 200)(target, key);
    SafeText()(target, key);
  };
}
