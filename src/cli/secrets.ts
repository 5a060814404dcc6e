import { Command } from 'commander';
import { rotateNonceSecret } from '../domain/nonce-secrets.js';
import { type CommonOptions, withCommonOptions, withStore } from './common.js';
import { emit } from './output.js';

export function secretsCommand(): Command {
  const secrets = new Command('secrets').description("the server's own secrets");
  withCommonOptions(
    secrets
      .command('rotate-nonce')
      .description(
        'sign Digest nonces with a new secret (the old one still verifies); restart servers after',
      ),
  ).action((options: CommonOptions) =>
    withStore(options, async (store) => {
      await rotateNonceSecret(store);
      emit(
        !!options.json,
        { status: 'rotated' },
        () => 'rotated: restart each server (one at a time) to sign with the new secret',
      );
    }),
  );
  return secrets;
}
