// A payload class is both the rule and the documentation of its fields: the REST edge validates
// request bodies with the contracts' own classes and @nestjs/swagger documents them from the same
// decorators. A validator written with `documented` carries its OpenAPI schema, so the limits a
// field is checked against and the limits the document states are the same constants.
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';

export type FieldDecorator = (target: object, propertyKey: string) => void;

/** `validator`, and the OpenAPI schema of what it accepts (merged with any @ApiProperty on the field, e.g. its description). */
export function documented(validator: FieldDecorator, schema: ApiPropertyOptions): FieldDecorator {
  const doc = ApiProperty(schema);
  return (target, key) => {
    validator(target, key);
    doc(target, key);
  };
}

/** Several decorators as one (applied in the order given). */
export function allOf(...decorators: FieldDecorator[]): FieldDecorator {
  return (target, key) => {
    for (const d of decorators) d(target, key);
  };
}

/**
 * Compile-time: `true` only when the documented class `Doc` has exactly the fields of the contract's
 * type `View`; otherwise a type naming the fields that differ (so the type check says which). A
 * response class that `implements` its view and is listed in such a check cannot drift from it.
 */
export type DocumentsExactly<Doc, View> = [Exclude<keyof View, keyof Doc>, Exclude<keyof Doc, keyof View>] extends [never, never]
  ? true
  : { undocumented: Exclude<keyof View, keyof Doc>; notInContract: Exclude<keyof Doc, keyof View> };
