/**
 * PostgreSQL runs in CI (DATABASE_URL is set there); persistence tests run on it too when it is
 * given, and on SQLite always.
 */
export function postgresUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}
