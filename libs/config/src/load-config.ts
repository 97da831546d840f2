import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';

/**
 * Reads a typed configuration class from environment variables and validates it with
 * class-validator. Each property of the class is named after its variable. A missing or malformed
 * value throws a ConfigError naming every offending variable, and the process stops before it
 * touches the network or the disk.
 */
export function loadConfig<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const config = plainToInstance(schema, { ...env }, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(errors.map(describe));
  }
  return config;
}

function describe(error: ValidationError): string {
  const problems = Object.values(error.constraints ?? {}).join('; ');
  return `${error.property}: ${problems || 'invalid value'}`;
}

/** A configuration value is missing or malformed; the message names each variable. */
export class ConfigError extends PhdmfError {
  constructor(readonly problems: string[]) {
    super(CommonErrorCode.CONFIG_INVALID, `Invalid configuration:\n  - ${problems.join('\n  - ')}`, { problems });
    this.name = 'ConfigError';
  }
}
