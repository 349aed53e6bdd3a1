import { readModelCollectionNames } from '@gridline/read-models';
import type { Db } from 'mongodb';

/**
 * Every read-model collection of one set, normalised so that the same facts
 * compare equal: documents sorted by id, arrays of plain values sorted, the
 * write time (`projectedAt`) left out, and a timeline entry's log position
 * replaced by its rank within its case — a store rebuilt from an export has
 * other position numbers, but must keep the same order.
 */
export async function readModelContents(db: Db, suffix: string): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(readModelCollectionNames(suffix))) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    result[key] = normalise(key === 'timeline' ? rankPositions(docs) : docs);
  }
  return result;
}

interface Positioned {
  caseId?: unknown;
  position?: { commit: number; prepare: number };
}

function rankPositions(docs: Record<string, unknown>[]): Record<string, unknown>[] {
  const byCase = new Map<unknown, Positioned[]>();
  for (const doc of docs as Positioned[])
    byCase.set(doc.caseId, [...(byCase.get(doc.caseId) ?? []), doc]);
  const rank = new Map<Positioned, number>();
  for (const entries of byCase.values())
    [...entries]
      .sort(
        (a, b) =>
          (a.position?.commit ?? 0) - (b.position?.commit ?? 0) ||
          (a.position?.prepare ?? 0) - (b.position?.prepare ?? 0),
      )
      .forEach((entry, i) => rank.set(entry, i));
  return docs.map((doc) => ({ ...doc, position: rank.get(doc as Positioned) }));
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalise);
    return items.every((i) => typeof i !== 'object' || i === null)
      ? [...items].sort()
      : [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'projectedAt') // when it was written, not what
        .map(([k, v]) => [k, normalise(v)]),
    );
  return value;
}
