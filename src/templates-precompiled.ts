/**
 * Every template compiled (`precompileTemplate` in render.ts), by name, and when. Absent here: the
 * bundle (scripts/build.mjs) puts the compiled templates in place of this module; from source each
 * template is compiled on first use.
 */
export const PRECOMPILED: { readonly builtMs: number; readonly specs: Readonly<Record<string, unknown>> } | undefined = undefined;
