/**
 * Flux post-build substitution, modelled on fluxcd/pkg@e2cfd1a envsubst (a fork of drone/envsubst;
 * envsubst/parse/{parse,scan}.go, envsubst/template.go) as called by kustomize/kustomize_varsub.go:
 *
 * - outside `${...}` only `$$` is an escape (it yields `$`, so `$${X}` yields `${X}`); a backslash
 *   is left alone there ("escape outside of expansion shouldn't be processed", eval_test.go);
 * - `${` opens an expression: `${NAME}`, `${NAME:-w}` `${NAME:=w}` `${NAME:?w}` `${NAME:+w}`
 *   `${NAME=w}` (every default form returns `w` when the value is empty: funcs.go toDefault),
 *   `${#NAME}`, `${NAME^}` `${NAME^^}` `${NAME,}` `${NAME,,}`, `${NAME:off[:len]}`, `${NAME/a/b}`
 *   and the `#`/`%` trims. Inside, `\\`, `\/` and `$$` are escapes and `${` nests;
 * - anything else after `${` (`${ x }`, `${-}`, a `${` never closed, `${X-w}`) is a parse error that
 *   fails the whole Kustomization, as does (strict mode) a variable without a value and without a
 *   default form.
 */
export interface Substitution {
  text: string;
  /** Variables referenced without a value and without a default (given a placeholder). */
  missing: string[];
  /** Variables that received a placeholder value (known to exist, value unknown). */
  placeholders: string[];
  /** envsubst's parse error, when the text is not a valid template: Flux applies nothing then. */
  error?: string;
}

export const PLACEHOLDER = "x";

type Lookup = (name: string, hasDefault: boolean) => string;

class BadSubstitution extends Error {}

const IDENT = /[\p{L}\p{N}_]/u;

/** A recursive-descent reading of one template; `lookup` supplies values. */
class Template {
  private pos = 0;
  constructor(private readonly s: string, private readonly lookup: Lookup) {}

  run(): string {
    // Text between `$`s is copied a run at a time (a character at a time made most of validate's garbage).
    let out = "";
    while (this.pos < this.s.length) {
      const dollar = this.s.indexOf("$", this.pos);
      if (dollar === -1) {
        out += this.s.slice(this.pos);
        this.pos = this.s.length;
        break;
      }
      out += this.s.slice(this.pos, dollar);
      this.pos = dollar;
      const next = this.s[dollar + 1];
      if (next === "{") {
        this.pos += 2;
        out += this.expression();
      } else if (next === "$") {
        out += "$";
        this.pos += 2;
      } else {
        out += "$";
        this.pos++;
      }
    }
    return out;
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private name(): string {
    const start = this.pos;
    while (this.pos < this.s.length && IDENT.test(this.s[this.pos]!)) this.pos++;
    if (this.pos === start) throw new BadSubstitution("unable to parse variable name");
    return this.s.slice(start, this.pos);
  }

  private close(): void {
    if (this.peek() !== "}") throw new BadSubstitution("bad substitution");
    this.pos++;
  }

  /** Text of a function argument up to (not including) a character in `stop`, with nested expressions. */
  private word(stop: string): string {
    let out = "";
    while (this.pos < this.s.length && !stop.includes(this.peek()!)) {
      const c = this.s[this.pos]!;
      const next = this.s[this.pos + 1];
      if (c === "$" && next === "{") {
        this.pos += 2;
        out += this.expression();
      } else if ((c === "$" && next === "$") || (c === "\\" && (next === "\\" || next === "/"))) {
        out += next;
        this.pos += 2;
      } else {
        out += c;
        this.pos++;
      }
    }
    if (this.pos >= this.s.length) throw new BadSubstitution("missing closing brace");
    return out;
  }

  /** After `${`: one expression through its `}`. */
  private expression(): string {
    if (this.peek() === "#") {
      this.pos++;
      const name = this.name();
      this.close();
      return String([...this.lookup(name, false)].length);
    }
    const name = this.name();
    const op = this.peek();
    if (op === "}") {
      this.pos++;
      return this.lookup(name, false);
    }
    if (op === "=" || (op === ":" && "=-?+".includes(this.s[this.pos + 1] ?? ""))) {
      this.pos += op === "=" ? 1 : 2;
      const def = this.word("}");
      this.close();
      const value = this.lookup(name, true);
      return value === "" ? def : value;
    }
    if (op === ":") {
      this.pos++;
      const offset = this.word(":}");
      const length = this.peek() === ":" ? (this.pos++, this.word("}")) : undefined;
      this.close();
      const value = this.lookup(name, false);
      const from = Number.parseInt(offset, 10) || 0;
      return length === undefined ? value.slice(from) : value.slice(from, from + (Number.parseInt(length, 10) || 0));
    }
    if (op === "^" || op === ",") {
      const twice = this.s[this.pos + 1] === op;
      this.pos += twice ? 2 : 1;
      this.close();
      const value = this.lookup(name, false);
      const f = (x: string) => (op === "^" ? x.toUpperCase() : x.toLowerCase());
      return twice ? f(value) : f(value.slice(0, 1)) + value.slice(1);
    }
    if (op === "/" || op === "#" || op === "%") {
      // Replace and trim: parsed for their syntax; the value is kept (good enough to check types).
      while (this.peek() === op || (op === "/" && (this.peek() === "#" || this.peek() === "%"))) this.pos++;
      this.word("}");
      this.close();
      return this.lookup(name, false);
    }
    throw new BadSubstitution(op === undefined ? "missing closing brace" : "bad substitution");
  }
}

/**
 * `values`: known values; `unknown`: names whose value is external (placeholder used);
 * `acceptAny`: every unprovided name is treated as unknown (we cannot tell what an external source holds).
 */
export function substitute(
  text: string,
  values: ReadonlyMap<string, string>,
  unknown: ReadonlySet<string>,
  acceptAny = false,
): Substitution {
  const missing = new Set<string>();
  const placeholders = new Set<string>();
  const lookup: Lookup = (name, hasDefault) => {
    const value = values.get(name);
    if (value !== undefined) return value;
    if (unknown.has(name) || (acceptAny && !hasDefault)) {
      placeholders.add(name);
      return PLACEHOLDER;
    }
    if (hasDefault) return "";
    // Flux fails the whole build here; the placeholder keeps the rest of the document checkable.
    missing.add(name);
    return PLACEHOLDER;
  };
  try {
    const out = new Template(text, lookup).run();
    return { text: out, missing: [...missing], placeholders: [...placeholders] };
  } catch (err) {
    if (!(err instanceof BadSubstitution)) throw err;
    return { text, missing: [], placeholders: [], error: err.message };
  }
}

/** Names referenced as `${NAME...}` (escapes excluded; none when the text does not parse). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  try {
    new Template(text, (name) => (names.add(name), "")).run();
  } catch (err) {
    if (!(err instanceof BadSubstitution)) throw err;
  }
  return [...names];
}
