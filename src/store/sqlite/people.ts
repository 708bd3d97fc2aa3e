// People on SQLite: prepared statements over the people table; every call is synchronous.
import type { Db } from './db.js';
import { nameKey, personFromRow, searchKey, searchName, type RawPerson, type ListPeopleOptions, type PersonRow } from '../people.js';

function prepare(db: Db) {
  const cols = 'id, first_name, sur_name, created_at';
  return {
    get: db.prepare<[number], RawPerson>(`SELECT ${cols} FROM people WHERE id = ?`),
    byKey: db.prepare<[string], RawPerson>(`SELECT ${cols} FROM people WHERE name_key = ?`),
    insert: db.prepare<[string, string, string, string, string], RawPerson>(
      `INSERT INTO people (first_name, sur_name, name_key, search_name, created_at) VALUES (?, ?, ?, ?, ?) RETURNING ${cols}`,
    ),
    rename: db.prepare<[string, string, string, string, number], RawPerson>(
      `UPDATE people SET first_name = ?, sur_name = ?, name_key = ?, search_name = ? WHERE id = ? RETURNING ${cols}`,
    ),
    delete: db.prepare<[number]>('DELETE FROM people WHERE id = ?'),
    list: db.prepare<[string, number, number], RawPerson>(
      `SELECT ${cols} FROM people WHERE instr(search_name, ?) > 0 AND id > ? ORDER BY id LIMIT ?`,
    ),
    count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM people WHERE instr(search_name, ?) > 0'),
    countAll: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM people'),
  };
}

export class SqlitePeople {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.q = prepare(db);
  }

  get(id: number): PersonRow | undefined {
    const r = this.q.get.get(id);
    return r && personFromRow(r);
  }

  findByName(firstName: string, surName: string): PersonRow | undefined {
    const r = this.q.byKey.get(nameKey(firstName, surName));
    return r && personFromRow(r);
  }

  /** Throws SQLITE_CONSTRAINT_UNIQUE when the name is taken. */
  insert(firstName: string, surName: string, createdAt = new Date().toISOString()): PersonRow {
    return personFromRow(this.q.insert.get(firstName, surName, nameKey(firstName, surName), searchName(firstName, surName), createdAt)!);
  }

  /** Undefined when there is no such person; throws SQLITE_CONSTRAINT_UNIQUE when the name is taken. */
  rename(id: number, firstName: string, surName: string): PersonRow | undefined {
    const r = this.q.rename.get(firstName, surName, nameKey(firstName, surName), searchName(firstName, surName), id);
    return r && personFromRow(r);
  }

  /** Deletes the person; their face rows go with them (ON DELETE CASCADE). */
  delete(id: number): boolean {
    return this.q.delete.run(id).changes > 0;
  }

  list({ nameContains = '', afterId = 0, limit }: ListPeopleOptions): PersonRow[] {
    return this.q.list.all(searchKey(nameContains), afterId, limit).map(personFromRow);
  }

  count(nameContains?: string): number {
    return nameContains ? this.q.count.get(searchKey(nameContains))!.n : this.q.countAll.get()!.n;
  }
}
