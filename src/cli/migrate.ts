import { Command } from 'commander';
import { type CommonOptions, withCommonOptions, withStore } from './common.js';
import { emit } from './output.js';

/** Migrations also run on every start; this runs them alone, e.g. before a rolling deploy. */
export function migrateCommand(): Command {
  return withCommonOptions(
    new Command('migrate').description('bring the database schema up to date and exit'),
  ).action((options: CommonOptions) =>
    withStore(
      options,
      async (store) => {
        emit(
          !!options.json,
          { status: 'ok', dialect: store.dialect },
          () => 'the database is up to date',
        );
      },
      { create: true },
    ),
  );
}
