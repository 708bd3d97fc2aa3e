// People: one row per enrolled person, found by id or by (part of) their name. The rows and the table's
// interface; each engine (sqlite/, postgres/) implements it.

export interface PersonRow {
  id: number;
  firstName: string;
  surName: string;
  /** ISO-8601, UTC. */
  createdAt: string;
}

const fold = (s: string): string => s.normalize('NFC').toLowerCase();

/** The same person whatever the case: names are compared trimmed and lower-cased. */
export const nameKey = (firstName: string, surName: string): string => `${fold(firstName.trim())}\t${fold(surName.trim())}`;
/** What the people(name:) filter searches: "first sur", lower-cased. */
export const searchName = (firstName: string, surName: string): string => fold(`${firstName} ${surName}`);
/** A name filter as it is compared with searchName. */
export const searchKey = (nameContains: string): string => fold(nameContains);

/** A people row as both engines return it. */
export interface RawPerson {
  id: number;
  first_name: string;
  sur_name: string;
  created_at: string;
}

export const personFromRow = (r: RawPerson): PersonRow => ({ id: r.id, firstName: r.first_name, surName: r.sur_name, createdAt: r.created_at });

export interface ListPeopleOptions {
  /** Case-insensitive substring of "first sur". */
  nameContains?: string;
  /** Only people with a larger id (the cursor). */
  afterId?: number;
  limit: number;
}

export interface PeopleStore {
  get(id: number): Promise<PersonRow | undefined>;
  findByName(firstName: string, surName: string): Promise<PersonRow | undefined>;
  /** Rejects with the engine's unique-constraint error when the name is taken. */
  insert(firstName: string, surName: string, createdAt?: string): Promise<PersonRow>;
  /** Undefined when there is no such person; rejects with the engine's unique-constraint error when the name is taken. */
  rename(id: number, firstName: string, surName: string): Promise<PersonRow | undefined>;
  /** Deletes the person; their face rows go with them (ON DELETE CASCADE). */
  delete(id: number): Promise<boolean>;
  /** Oldest first (by id). */
  list(options: ListPeopleOptions): Promise<PersonRow[]>;
  count(nameContains?: string): Promise<number>;
}
