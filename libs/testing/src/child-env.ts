/**
 * The environment for a service a test starts as a child process. DATABASE_URL is left out: a
 * service under test keeps its data in the test's own temp directory (SQLite), never in a
 * PostgreSQL schema that other test runs on the same server share. PostgreSQL is exercised by the
 * persistence tests, each in a database of its own.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  return { ...env, ...extra };
}
