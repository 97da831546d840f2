// The console's one message catalogue: `t('market.title')`, with `{name}` placeholders filled from
// `params`. Plain typed objects rather than vue-i18n: a key that does not exist fails the type check,
// and the catalogue adds nothing to the initial bundle beyond its own strings.
import { en, type Messages } from './en';

// Tables (`Record<string, string>`: status names, error sentences) are read with named(), not t().
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : string extends keyof T[K] ? never : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** A key of the catalogue: a dotted path to one string. */
export type MessageKey = Leaves<Messages>;

const catalogue: Messages = en;

function lookup(path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), catalogue);
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = lookup(key);
  const template = typeof text === 'string' ? text : key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A name from one of the catalogue's tables (status names, error sentences), or undefined. */
export function named(table: Record<string, string>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

export const messages = catalogue;
