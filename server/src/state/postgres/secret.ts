// The API token secret of a server group, kept in the state database: the first server to start
// makes it (32 random bytes), every other one reads the same, so a token signed by one server works
// on all of them.
import { randomBytes } from 'node:crypto';
import type { Pool } from './pool.ts';

export async function tokenSecret(pool: Pool): Promise<Buffer> {
  await pool.query(`INSERT INTO secrets (name, value) VALUES ('token-secret', $1) ON CONFLICT (name) DO NOTHING`, [
    randomBytes(32).toString('base64'),
  ]);
  const { rows } = await pool.query<{ value: string }>(`SELECT value FROM secrets WHERE name = 'token-secret'`);
  const secret = Buffer.from(rows[0]?.value ?? '', 'base64');
  if (secret.length < 32) throw new Error('the token secret in the --state database is too short (secrets table)');
  return secret;
}
