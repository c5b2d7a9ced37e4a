import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL = 'cnpg-scaffold';

/** The tool's records in the target repo (answers, manifest); here so the path rule can name it without loading the schemas. */
export const RECORD_DIR = '.cnpg';

/** The package root (holds package.json), found from this module so it works from src/ and dist/src/. */
export const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cnpg-scaffold: package root not found');
    dir = up;
  }
  return dir;
})();

export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');

/**
 * Whether this copy of the tool was installed as a package (by npm or npx), rather than run from a
 * checkout: only then is it known that the registry, a git URL or a tarball serves this version.
 */
export const INSTALLED_AS_PACKAGE = PACKAGE_ROOT.split(/[\\/]/).includes('node_modules');

/** This package's version: recorded in the manifest, so CI can run the version that wrote a tree. */
export const TOOL_VERSION: string = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
