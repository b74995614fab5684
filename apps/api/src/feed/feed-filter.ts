import { BadRequestException } from '@nestjs/common';
import { ReferenceData } from '@app/domain';
import { EventStore, Position, RecordedEvent, SubscriptionFilter, positionFromString } from '@app/event-store';

/** The kinds of record a feed can be narrowed to: a stream's name is its category, a dash, and its id. */
export const CATEGORIES = ['loan', 'borrower', 'fund', 'subsidy', 'target', 'digest', 'bulletin', 'erasure'] as const;
const TYPE = /^[A-Z][A-Za-z]{1,63}$/;

/** What a consumer asks of the feed, as query parameters: comma-separated lists. */
export interface FeedQuery {
  types?: string;
  categories?: string;
  region?: string;
}

/** The store's part of a filter (applied before decoding), and what only the API can check. */
export interface FeedFilter {
  store?: SubscriptionFilter;
  types?: Set<string>;
  region?: string;
}

const refused = (message: string) => new BadRequestException({ code: 'FEED.BAD_FILTER', message });
const list = (value?: string) =>
  value
    ?.split(',')
    .map((v) => v.trim())
    .filter(Boolean);

export function feedFilter(query: FeedQuery, reference: ReferenceData): FeedFilter {
  const types = list(query.types);
  const categories = list(query.categories);
  const badType = types?.find((t) => !TYPE.test(t));
  if (badType !== undefined) throw refused(`"${badType.slice(0, 64)}" is not an event type (such as LoanApplied or Repaid).`);
  const badCategory = categories?.find((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (badCategory !== undefined) throw refused(`"${badCategory.slice(0, 64)}" is not a kind of record; use ${CATEGORIES.join(', ')}.`);
  if (query.region !== undefined && reference.region(query.region) === undefined)
    throw refused(`"${query.region.slice(0, 16)}" is not a region code of the programme (GB/T 2260, such as 360721).`);
  const store: SubscriptionFilter = {
    ...(categories?.length ? { streamNamePrefixes: categories.map((c) => `${c}-`) } : {}),
    ...(types?.length ? { eventTypePrefixes: types } : {}),
  };
  return {
    store: Object.keys(store).length ? store : undefined,
    types: types?.length ? new Set(types) : undefined,
    region: query.region,
  };
}

/** Where a feed starts: after the position given (exclusive), or from the beginning. */
export function feedStart(after: string | undefined): Position | 'start' {
  if (after === undefined || after === '' || after === 'start') return 'start';
  try {
    return positionFromString(after);
  } catch {
    throw new BadRequestException({
      code: 'FEED.BAD_POSITION',
      message: `"${after.slice(0, 64)}" is not a position in the feed: give the id of the last event you received (such as 1042/1042), or "start".`,
    });
  }
}

/**
 * The region each record belongs to, for the feed's region filter: a loan's county (from its application), a
 * fund's centre's region, a target's region. Borrowers and banks' subsidy claims belong to no one region.
 * Loans are remembered as their applications pass, and read once otherwise.
 */
export class StreamRegions {
  private readonly loans = new Map<string, string | undefined>();

  constructor(
    private readonly store: EventStore,
    private readonly reference: ReferenceData,
  ) {}

  async within(event: RecordedEvent, region: string): Promise<boolean> {
    const own = await this.regionOf(event);
    return own !== undefined && this.reference.lineage(own).some((r) => r.code === region);
  }

  private async regionOf(event: RecordedEvent): Promise<string | undefined> {
    const name = event.streamName;
    if (name.startsWith('fund-')) return this.reference.centre(name.slice('fund-'.length))?.regionCode;
    if (name.startsWith('target-')) return /^target-(\d{6})-\d{4}$/.exec(name)?.[1];
    if (!name.startsWith('loan-')) return undefined;
    if (event.type === 'LoanApplied') this.remember(name, (event.data as { countyCode: string }).countyCode);
    if (!this.loans.has(name)) {
      const [first] = await this.store.readStream(name, { maxCount: 1 });
      this.remember(name, first?.type === 'LoanApplied' ? (first.data as { countyCode: string }).countyCode : undefined);
    }
    return this.loans.get(name);
  }

  private remember(stream: string, county: string | undefined) {
    // Bounded: past the province's open loans, start again (a miss costs one read of a stream's first event).
    if (this.loans.size >= 500_000) this.loans.clear();
    this.loans.set(stream, county);
  }
}

/** Whether an event passes the parts of a filter the store could not apply. */
export async function passes(event: RecordedEvent, filter: FeedFilter, regions: StreamRegions): Promise<boolean> {
  if (filter.types && !filter.types.has(event.type)) return false;
  return filter.region === undefined || regions.within(event, filter.region);
}
