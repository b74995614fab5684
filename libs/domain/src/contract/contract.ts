import published from './event-schemas.json';
import { EVENT_CATALOGUE, EventContract } from './catalogue';

/** Every published version of every event's data schema (JSON Schema draft-07), by type and version. */
export const EVENT_SCHEMAS = published as unknown as Readonly<Record<string, Readonly<Record<string, object>>>>;

/** The contract of an event type, or undefined for a type the programme does not record. */
export const eventContract = (type: string): EventContract | undefined => (EVENT_CATALOGUE as Partial<Record<string, EventContract>>)[type];

/** The schema the domain records an event type under now. */
export function currentSchema(type: string): object | undefined {
  const contract = eventContract(type);
  return contract && EVENT_SCHEMAS[type]?.[contract.version];
}

/**
 * An event's data recorded under `version`, in the current version's shape. A version newer than this
 * program knows cannot be read back into an older shape: it is refused rather than misread.
 */
export function upcastData(type: string, version: number, data: unknown): unknown {
  const contract = eventContract(type);
  if (!contract || version === contract.version) return data;
  if (version > contract.version)
    throw new Error(
      `A ${type} event was recorded under schema version ${version}, newer than the ${contract.version} this program knows: run the newer release.`,
    );
  let upcast = data as Record<string, unknown>;
  for (let v = version; v < contract.version; v++) upcast = contract.upcasters![v](upcast);
  return upcast;
}
