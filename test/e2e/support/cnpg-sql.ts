import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * The SQL CloudNativePG's instance manager runs, as text, so the test can run it with psql.
 * Sources (cloudnative-pg/cloudnative-pg): internal/management/controller/roles/postgres.go
 * (Create: `CREATE ROLE <ident> <options> [IN ROLE ...] PASSWORD <literal>`; v1.28.1 sends the
 * cleartext literal, v1.30.0 SCRAM-encodes it first through pkg/management/postgres/utils/password.go
 * EnsureEncryptedPassword) and internal/management/controller/database_controller_sql.go
 * (createDatabase: `CREATE DATABASE <ident>  OWNER <ident>`; extensions: `CREATE EXTENSION <ident> `).
 */

/** pgx.Identifier{s}.Sanitize(): double quotes, embedded `"` doubled, NUL dropped. */
export function quoteIdent(s: string): string {
  return `"${s.replace(/\0/g, '').replace(/"/g, '""')}"`;
}

/** lib/pq QuoteLiteral: `'` doubled; with a backslash, backslashes doubled and an E'' string. */
export function quoteLiteral(s: string): string {
  const q = s.replace(/'/g, "''");
  return s.includes('\\') ? ` E'${q.replace(/\\/g, '\\\\')}'` : `'${q}'`;
}

/**
 * SCRAM-SHA-256 secret as PostgreSQL stores it (RFC 5802/7677; iterations 4096, 16-byte salt:
 * PostgreSQL's defaults, which CNPG 1.30 uses). SASLprep is taken as NFKC: the test passwords hold
 * no characters SASLprep maps to nothing or prohibits, where the two would differ.
 */
export function scramSecret(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export type CnpgRelease = '1.28' | '1.30';

/** Role options as appendRoleOptions writes them for a role with only `login: true` set. */
export function createRole(name: string, password: string, release: CnpgRelease): string {
  const literal = release === '1.30' ? scramSecret(password) : password;
  return `CREATE ROLE ${quoteIdent(name)} NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT LOGIN NOREPLICATION NOSUPERUSER CONNECTION LIMIT -1 PASSWORD ${quoteLiteral(literal)}`;
}

export function createDatabase(name: string, owner: string): string {
  return `CREATE DATABASE ${quoteIdent(name)}  OWNER ${quoteIdent(owner)}`;
}

export function createExtension(name: string): string {
  return `CREATE EXTENSION ${quoteIdent(name)} `;
}
