/**
 * Passwords a password manager may well produce: every character special to URLs (RFC 3986
 * gen-delims and sub-delims, `%`, space), to SQL literals and identifiers (`'`, `"`, `\`, `;`, `--`),
 * to shells and Flux (`$`, `${...}`), to Go templates (`{{ }}`), to psql (`:name`, backslash escapes), already-encoded-looking text and
 * non-ASCII. Characters SASLprep prohibits (controls such as tab) are left out: CNPG 1.30 refuses them.
 */
export const HOSTILE = [
  `p'"\\ @:/?#[]%&+= $x;--`,
  `x'; CREATE ROLE pwned SUPERUSER; --`,
  `{{ .password }}\${HOME}$$%41%2B+!*(),~\`^|<> :USER :'USER' \\n\\x41\\\\`,
  `ünï€ß中 spaced  out`,
];

/**
 * A code point newer than Unicode 3.2 (the stringprep tables SASLprep uses). libpq and the server
 * accept it (pg_saslprep falls back to the raw bytes); pgjdbc (42.5, ongres saslprep) and CNPG 1.30
 * (xdg-go/stringprep, which encodes the role's SCRAM secret) refuse it as prohibited. So it works
 * through `uri` only, and with CNPG 1.30 not at all for declarative roles; the README says so.
 */
export const EMOJI = `emoji😀'@:/`;

/** CNPG trims the role's password (roles/runnable.go, strings.TrimSpace): the app's copy must match. */
export const PADDED = `  padded'"\\@:/? `;
