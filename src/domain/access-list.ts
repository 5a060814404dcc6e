import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { ObjectId, Outcome } from './records.js';

// API access lists (IP allow-lists). One owner-generic model: a user's list gates their
// personal keys, a programmatic key's list gates that key. Entries are stored and compared
// as canonical CIDR blocks, so `1.2.3.4`, `1.2.3.4/32` and `::ffff:1.2.3.4` are one entry.

export type AccessOwnerKind = 'user' | 'apiKey';

/**
 * Entries one list may hold: every list of a cached owner is in memory and scanned on each
 * of its requests, so its size must not be the owner's choice alone.
 */
export const MAX_ACCESS_LIST_ENTRIES = 500;

export interface AccessOwner {
  readonly kind: AccessOwnerKind;
  readonly id: ObjectId;
}

/** An address or block as added: `ipAddress` or `cidrBlock`, never both. */
export interface AccessListInput {
  readonly ipAddress?: string | undefined;
  readonly cidrBlock?: string | undefined;
}

export type AddressRefusal = 'both-given' | 'invalid';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** An IPv4-mapped IPv6 address is the IPv4 address it maps: clients reach dual-stack sockets so. */
function unmapped(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

const fullBits = (address: Address) => (address.kind() === 'ipv4' ? 32 : 128);

/**
 * `address` or `address/bits` as the canonical block: host bits cleared, IPv6 in RFC 5952
 * form, IPv4-mapped blocks as IPv4. node:net judges the syntax (ipaddr.js alone also takes
 * `127.1` and hex octets, which no one means in an access list); ipaddr.js does the math.
 */
export function canonicalBlock(text: string): string | undefined {
  const slash = text.indexOf('/');
  const host = slash === -1 ? text : text.slice(0, slash);
  const bitsText = slash === -1 ? undefined : text.slice(slash + 1);
  if (isIP(host) === 0 || host.includes('%')) return undefined;
  if (bitsText !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(bitsText)) return undefined;
  const parsed = ipaddr.parse(host);
  let bits = bitsText === undefined ? fullBits(parsed) : Number(bitsText);
  if (bits > fullBits(parsed)) return undefined;
  let address: Address = parsed;
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    address = (parsed as ipaddr.IPv6).toIPv4Address();
    bits -= 96;
  }
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** The canonical block an added entry names, or why it is refused. */
export function entryBlock(input: AccessListInput): Outcome<string, AddressRefusal> {
  if (input.ipAddress !== undefined && input.cidrBlock !== undefined) {
    return { ok: false, error: 'both-given' };
  }
  const text = input.ipAddress ?? input.cidrBlock;
  // `ipAddress` names one address: a block belongs in `cidrBlock`.
  if (text === undefined || (input.ipAddress !== undefined && text.includes('/'))) {
    return { ok: false, error: 'invalid' };
  }
  const block = canonicalBlock(text);
  return block === undefined ? { ok: false, error: 'invalid' } : { ok: true, value: block };
}

/** The single address a block holds (`/32`, `/128`), or undefined for a wider block. */
export function singleAddress(block: string): string | undefined {
  const [address, bits] = ipaddr.parseCIDR(block);
  return bits === fullBits(address) ? address.toString() : undefined;
}

const MAPPED_PREFIX = '::ffff:';

/**
 * A client's address, parsed, with its text as access lists show it. IPv4 (and IPv4-mapped,
 * the form a dual-stack socket reports) takes a fast path: node:net has validated the dotted
 * quad, so its octets are plain numbers, where ipaddr.js's parser costs 3–9 µs a request.
 */
function parseClient(
  text: string,
): { readonly address: Address; readonly text: string } | undefined {
  const v4 = text.startsWith(MAPPED_PREFIX) ? text.slice(MAPPED_PREFIX.length) : text;
  if (isIP(v4) === 4) return { address: new ipaddr.IPv4(v4.split('.').map(Number)), text: v4 };
  if (isIP(text) !== 6) return undefined;
  const address = unmapped(ipaddr.parse(text));
  return { address, text: address.toString() };
}

/** A client's address as access lists compare it; undefined when it is no IP address. */
export function clientAddress(text: string): string | undefined {
  return parseClient(text)?.text;
}

type Range = readonly [Address, number];
const ranges = new WeakMap<readonly string[], readonly (readonly [string, Range])[]>();

function bestEntry(blocks: readonly string[], client: Address): string | undefined {
  let parsed = ranges.get(blocks);
  if (!parsed) {
    parsed = blocks.map((block) => [block, ipaddr.parseCIDR(block)] as const);
    ranges.set(blocks, parsed);
  }
  let best: readonly [string, Range] | undefined;
  for (const entry of parsed) {
    const [rangeAddress, bits] = entry[1];
    if (rangeAddress.kind() !== client.kind()) continue;
    if (!client.match(rangeAddress, bits)) continue;
    if (!best || bits > best[1][1]) best = entry;
  }
  return best?.[0];
}

/**
 * The entry of `blocks` that admits `address`: the most specific when several do, so use is
 * counted on the narrowest. Parsed once per list (lists are cached whole, and replaced
 * rather than changed), so the hot path only compares.
 */
export function admittingEntry(blocks: readonly string[], address: string): string | undefined {
  const client = parseClient(address);
  return client && bestEntry(blocks, client.address);
}

/** What the gate decides for a verified request: open (no list), through an entry, or refused. */
export type Admission =
  | { readonly kind: 'open' }
  | { readonly kind: 'listed'; readonly entry: string; readonly address: string }
  | { readonly kind: 'refused'; readonly address: string };

/** An empty (or absent) list admits everyone; a non-empty one only the addresses it lists. */
export function admit(blocks: readonly string[] | undefined, address: string): Admission {
  if (!blocks || blocks.length === 0) return { kind: 'open' };
  const client = parseClient(address);
  const entry = client && bestEntry(blocks, client.address);
  const shown = client?.text ?? address;
  return entry === undefined
    ? { kind: 'refused', address: shown }
    : { kind: 'listed', entry, address: shown };
}

/**
 * Whether deleting `block` would shut out a caller at `address` whom the list gates: the
 * caller's own entry may go only while another entry still admits them.
 */
export function locksOutCaller(blocks: readonly string[], block: string, address: string): boolean {
  if (admittingEntry([block], address) === undefined) return false;
  return (
    admittingEntry(
      blocks.filter((other) => other !== block),
      address,
    ) === undefined
  );
}

/** One entry as stored; `count`, `lastUsed` and `lastUsedAddress` are written in batches. */
export interface AccessListEntry {
  readonly cidrBlock: string;
  readonly comment?: string;
  readonly count: number;
  readonly created: string;
  readonly lastUsed?: string;
  readonly lastUsedAddress?: string;
}

/** An entry to add; `cidrBlock` canonical. */
export interface NewAccessEntry {
  readonly cidrBlock: string;
  readonly comment?: string | undefined;
  readonly created: string;
}

/** Use through one entry gathered in memory: add `count`, raise `lastUsed`. */
export interface AccessUsageDelta {
  readonly owner: AccessOwner;
  readonly cidrBlock: string;
  readonly count: number;
  readonly lastUsed: string;
  readonly lastUsedAddress: string;
}
