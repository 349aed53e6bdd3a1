import { BadRequestException, Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { fold, type Clock, type EventStore, type RecordedEvent } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, NotFoundError } from '@gridline/platform';
import { credentialStatusAt, type CredentialStatus, type HeldCredential } from '../shared/staff.js';
import {
  CREDENTIAL_REGISTRY_CASE_ID,
  CREDENTIAL_STREAM_PREFIX,
  credentialDecider,
  credentialStreamId,
  type CredentialEvent,
} from './credential.decider.js';

/** A credential and what it is worth at the time of the read. */
export type CredentialView = HeldCredential & { readonly status: CredentialStatus };

/** One grant or withdrawal: who did what, when. */
export interface RegistryEntry {
  readonly eventId: string;
  readonly action: 'granted' | 'withdrawn';
  readonly credentialNumber: string;
  readonly by: string;
  readonly at: string;
  readonly issuingBody?: string;
  readonly validFrom?: string;
  readonly validTo?: string;
  readonly reason?: string;
}

export interface OfficerCredentialsView {
  readonly officerId: string;
  /** Status as of `at`. */
  readonly at: string;
  readonly credentials: readonly CredentialView[];
  readonly history: readonly RegistryEntry[];
}

export interface CredentialListItem {
  readonly officerId: string;
  readonly credentials: readonly CredentialView[];
}

export interface CredentialListView {
  readonly at: string;
  readonly items: readonly CredentialListItem[];
  readonly nextCursor: string | null;
}

export const CREDENTIAL_STATUSES: readonly CredentialStatus[] = [
  'valid',
  'not-yet-valid',
  'expired',
  'withdrawn',
];

export interface CredentialListFilter {
  readonly status?: CredentialStatus;
  readonly limit: number;
  /** Officers after this one (ids ascending). */
  readonly after?: string;
}

const encodeCursor = (officerId: string) =>
  Buffer.from(JSON.stringify([officerId])).toString('base64url');

function decodeCursor(cursor: string): string | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  } catch {
    // not a cursor of ours
  }
  return undefined;
}

/**
 * `?status=&limit=&cursor=` of the list, checked against a whitelist like the
 * gateway's reads: only single plain values of known names pass (400 naming each).
 */
export function parseCredentialListQuery(raw: Record<string, unknown>): CredentialListFilter {
  const problems: { parameter: string; message: string }[] = [];
  const out: { status?: CredentialStatus; limit: number; after?: string } = { limit: 50 };
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      problems.push({ parameter: name, message: 'must be a single plain value' });
      continue;
    }
    if (name === 'status') {
      if ((CREDENTIAL_STATUSES as readonly string[]).includes(value))
        out.status = value as CredentialStatus;
      else
        problems.push({
          parameter: name,
          message: `must be one of ${CREDENTIAL_STATUSES.join(', ')}`,
        });
    } else if (name === 'limit') {
      if (/^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= 100)
        out.limit = Number(value);
      else problems.push({ parameter: name, message: 'must be an integer from 1 to 100' });
    } else if (name === 'cursor') {
      const after = decodeCursor(value);
      if (after === undefined)
        problems.push({ parameter: name, message: 'is not a cursor this API issued' });
      else out.after = after;
    } else problems.push({ parameter: name, message: 'is not a known parameter' });
  }
  if (problems.length > 0)
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'query parameters are invalid',
      problems,
    });
  return out;
}

const asEvents = (events: readonly RecordedEvent[]) =>
  events.map((e) => ({ type: e.type, data: e.data }) as CredentialEvent);

const withStatus = (credentials: readonly HeldCredential[], at: Date): CredentialView[] =>
  credentials.map((c) => ({ ...c, status: credentialStatusAt(c, at) }));

function historyEntry(event: RecordedEvent): RegistryEntry {
  const e = { type: event.type, data: event.data } as CredentialEvent;
  switch (e.type) {
    case 'street.credential.granted.v1':
      return {
        eventId: event.id,
        action: 'granted',
        credentialNumber: e.data.credentialNumber,
        by: e.data.grantedBy,
        at: e.data.grantedAt,
        issuingBody: e.data.issuingBody,
        validFrom: e.data.validFrom,
        validTo: e.data.validTo,
      };
    case 'street.credential.withdrawn.v1':
      return {
        eventId: event.id,
        action: 'withdrawn',
        credentialNumber: e.data.credentialNumber,
        by: e.data.withdrawnBy,
        at: e.data.withdrawnAt,
        reason: e.data.reason,
      };
  }
}

export class GetOfficerCredentialsQuery {
  constructor(readonly officerId: string) {}
}

/** One officer's registry: each credential with its status now, and every grant and withdrawal. */
@QueryHandler(GetOfficerCredentialsQuery)
export class GetOfficerCredentialsHandler implements IQueryHandler<
  GetOfficerCredentialsQuery,
  OfficerCredentialsView
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ officerId }: GetOfficerCredentialsQuery): Promise<OfficerCredentialsView> {
    const events = await this.store.readStream(credentialStreamId(officerId));
    if (events.length === 0) throw new NotFoundError(`credential registry of officer ${officerId}`);
    const at = this.clock.now();
    const { credentials } = fold(credentialDecider, asEvents(events));
    return {
      officerId,
      at: at.toISOString(),
      credentials: withStatus(credentials, at),
      history: events.map(historyEntry),
    };
  }
}

export class ListCredentialsQuery {
  constructor(readonly filter: CredentialListFilter) {}
}

/**
 * Officers and their credentials for the admin page, a page of officers at a
 * time (ids ascending, `limit` at most 100). The registry is read straight from
 * the store, always current: its events share one case id, so this is one
 * indexed read of the registry's events only (grants and withdrawals are few).
 * With `status`, only credentials of that status now are shown, and only the
 * officers holding one.
 */
@QueryHandler(ListCredentialsQuery)
export class ListCredentialsHandler implements IQueryHandler<
  ListCredentialsQuery,
  CredentialListView
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ filter }: ListCredentialsQuery): Promise<CredentialListView> {
    const at = this.clock.now();
    const byOfficer = new Map<string, RecordedEvent[]>();
    for (const event of await this.store.readCase(CREDENTIAL_REGISTRY_CASE_ID)) {
      if (!event.streamId.startsWith(CREDENTIAL_STREAM_PREFIX)) continue;
      const officerId = event.streamId.slice(CREDENTIAL_STREAM_PREFIX.length);
      const events = byOfficer.get(officerId) ?? [];
      events.push(event);
      byOfficer.set(officerId, events);
    }
    const items: CredentialListItem[] = [];
    let more = false;
    for (const officerId of [...byOfficer.keys()].sort()) {
      if (filter.after !== undefined && officerId <= filter.after) continue;
      const { credentials } = fold(credentialDecider, asEvents(byOfficer.get(officerId) ?? []));
      const shown = withStatus(credentials, at).filter(
        (c) => !filter.status || c.status === filter.status,
      );
      if (shown.length === 0) continue;
      if (items.length === filter.limit) {
        more = true;
        break;
      }
      items.push({ officerId, credentials: shown });
    }
    const last = items.at(-1);
    return {
      at: at.toISOString(),
      items,
      nextCursor: more && last ? encodeCursor(last.officerId) : null,
    };
  }
}
