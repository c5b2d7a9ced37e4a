/**
 * Every template compiled, by name (`precompileTemplate` in render.ts). Empty here: the bundle
 * (scripts/build.mjs) puts the compiled templates in place of this module; from source each
 * template is compiled on first use.
 */
export const PRECOMPILED: Readonly<Record<string, unknown>> | undefined = undefined;
