// What the OpenAPI document says about request shapes comes from the classes that validate them
// (the contracts' payload classes, and the edge's own query and path shapes). This test finds a
// field that is validated but not documented (a contracts change the edge would not show) or
// documented but not validated (the whitelist would refuse what the document offers).
import { getMetadataStorage, IsString } from 'class-validator';
import { AuthorizationRequestAccess } from '@phdmf/contracts';
import { RunAnalysisDto } from '../analyses/dto';
import { EDGE_CONTROLLERS } from '../app.module';
import { LoginDto } from '../auth/dto';
import { AccessRequestDto, GrantDto, MarketQueryDto } from '../market/dto';
import { NodeConfigurationDto } from '../membership/dto';

type Class = abstract new (...args: never[]) => unknown;

// @nestjs/swagger's metadata keys (DECORATORS.API_MODEL_PROPERTIES_ARRAY / API_MODEL_PROPERTIES).
const DOCUMENTED_FIELDS = 'swagger/apiModelPropertiesArray';
const DOCUMENTED_FIELD = 'swagger/apiModelProperties';

interface CoverageGap {
  shape: string;
  field: string;
  problem: 'validated, not documented' | 'documented, not validated';
}

/** The classes a controller's handlers take as body, query or path parameters (those with validation rules). */
function requestShapesOf(controllers: readonly Class[]): Class[] {
  const shapes = new Set<Class>();
  for (const controller of controllers) {
    const proto = controller.prototype as object;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const types = (Reflect.getMetadata('design:paramtypes', proto, name) ?? []) as unknown[];
      for (const t of types) if (typeof t === 'function' && validatedFields(t as Class).size > 0) shapes.add(t as Class);
    }
  }
  return [...shapes];
}

function validatedFields(shape: Class): Set<string> {
  return new Set(getMetadataStorage().getTargetValidationMetadatas(shape as new () => unknown, '', true, false).map((m) => m.propertyName));
}

/** Every gap between validation and documentation in `shapes` and the classes they nest. */
function coverageGaps(shapes: readonly Class[]): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  const seen = new Set<Class>();
  const queue = [...shapes];
  for (let shape = queue.pop(); shape !== undefined; shape = queue.pop()) {
    if (seen.has(shape)) continue;
    seen.add(shape);
    const validated = validatedFields(shape);
    const documented = new Set(((Reflect.getMetadata(DOCUMENTED_FIELDS, shape.prototype as object) ?? []) as string[]).map((k) => k.replace(/^:/, '')));
    for (const field of validated) if (!documented.has(field)) gaps.push({ shape: shape.name, field, problem: 'validated, not documented' });
    for (const field of documented) {
      if (!validated.has(field)) gaps.push({ shape: shape.name, field, problem: 'documented, not validated' });
      const type = (Reflect.getMetadata(DOCUMENTED_FIELD, shape.prototype as object, field) as { type?: unknown } | undefined)?.type;
      // A nested class (e.g. a histogram request): its fields are held to the same rule.
      if (typeof type === 'function' && validatedFields(type as Class).size > 0) queue.push(type as Class);
    }
  }
  return gaps;
}

describe('request shapes: validated = documented', () => {
  const shapes = requestShapesOf(EDGE_CONTROLLERS);

  it('walks every body, query and path class the controllers take', () => {
    expect(shapes).toEqual(expect.arrayContaining([AccessRequestDto, GrantDto, RunAnalysisDto, LoginDto, NodeConfigurationDto, MarketQueryDto]));
  });

  it('documents every validated field and validates every documented one, nested classes included', () => {
    expect(coverageGaps(shapes)).toEqual([]);
  });

  it('reports a field a contract adds without documenting it', () => {
    class WithNote extends AuthorizationRequestAccess.Payload {
      @IsString()
      note!: string;
    }
    expect(coverageGaps([WithNote])).toEqual([{ shape: 'WithNote', field: 'note', problem: 'validated, not documented' }]);
  });
});
