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
 * accept it; pgjdbc (42.5, ongres saslprep) refuses it as prohibited, so such a password works
 * through `uri` but not `jdbc-uri`. Tested for psql only; the README says so.
 */
export const EMOJI = `emoji😀'@:/`;

/** CNPG trims the role's password (roles/runnable.go, strings.TrimSpace): the app's copy must match. */
export const PADDED = `  padded'"\\@:/? `;
