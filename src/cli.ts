#!/usr/bin/env node
import { parseArgs } from './args.js';
import { appFields } from '../schema/app.js';
import { newApp } from './commands/new-app.js';
import { newCluster, newClusterFields } from './commands/new-cluster.js';
import { regen } from './commands/regen.js';
import { validate } from './commands/validate.js';
import { loadAnswersFile, makeContext } from './context.js';
import { CliError, InputError } from './errors.js';
import { HELP } from './help.js';
import { plopPrompt } from './prompt.js';

const COMMANDS: Record<string, { fields: readonly unknown[] }> = {
  'new-cluster': { fields: newClusterFields },
  'new-app': { fields: appFields },
  regen: { fields: [] },
  regenerate: { fields: [] },
  validate: { fields: [] },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return command ? 0 : 2;
  }
  const spec = COMMANDS[command];
  if (!spec) throw new InputError(`unknown command ${JSON.stringify(command)} (new-cluster, new-app, regen, validate)`);
  const { flags, given } = parseArgs(rest, spec.fields as never);
  const name = command === 'regenerate' ? 'regen' : command;
  if (flags.help) {
    console.log(HELP[name]);
    return 0;
  }
  const ctx = makeContext(flags, (line) => console.log(line), plopPrompt);
  const fromFile = await loadAnswersFile(ctx.cwd, flags.answers);
  switch (name) {
    case 'new-cluster':
      await newCluster(ctx, { ...fromFile, ...given });
      return 0;
    case 'new-app':
      await newApp(ctx, { ...fromFile, ...given });
      return 0;
    case 'regen':
      return regen(ctx, { check: flags.check });
    default:
      return validate(ctx, { schemaLocations: flags.schemaLocation });
  }
}

/** The one top-level catch: a CliError is one line and its exit code; anything else is a bug. */
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const debug = process.argv.includes('--debug');
    if (error instanceof CliError) {
      console.error(`error: ${error.message}`);
      if (debug) console.error(error.stack);
      process.exitCode = error.exitCode;
    } else {
      console.error(`error: ${(error as Error)?.message ?? String(error)}${debug ? '' : ' (run with --debug for details)'}`);
      if (debug) console.error((error as Error)?.stack);
      process.exitCode = 1;
    }
  },
);
