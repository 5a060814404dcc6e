import { type AccessOwner, admit } from '../../domain/access-list.js';
import type { AccessUsage } from '../../usage/access-usage.js';
import { ApiError } from '../errors.js';

/**
 * The access-list gate, asked only once a request's Digest has verified: someone without
 * the key gets the plain 401 and never learns a list exists. A verified request from an
 * unlisted address is refused (403) and counts no usage, neither on the key nor on an
 * entry; one admitted through an entry counts on that entry (batched, never a write here).
 * Returns the refusal to send, or undefined when the address is admitted.
 */
export function accessListRefusal(
  usage: AccessUsage,
  owner: AccessOwner,
  blocks: readonly string[] | undefined,
  address: string,
): ApiError | undefined {
  const admission = admit(blocks, address);
  if (admission.kind === 'open') return undefined;
  if (admission.kind === 'refused') {
    return new ApiError(
      'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      `IP address ${admission.address} is not allowed to access this resource.`,
      [admission.address],
    );
  }
  usage.record(owner, admission.entry, admission.address);
  return undefined;
}
