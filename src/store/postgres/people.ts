// People on PostgreSQL: the people table through the store's Sql (the transaction's client inside one).
import {
  nameKey,
  personFromRow,
  searchKey,
  searchName,
  type RawPerson,
  type ListPeopleOptions,
  type PeopleStore,
  type PersonRow,
} from '../people.js';
import type { Sql } from './connection.js';

const COLS = 'id, first_name, sur_name, created_at';

export class PostgresPeople implements PeopleStore {
  constructor(private readonly sql: Sql) {}

  async get(id: number): Promise<PersonRow | undefined> {
    const r = await this.sql.first<RawPerson>(`SELECT ${COLS} FROM people WHERE id = $1`, [id]);
    return r && personFromRow(r);
  }

  async findByName(firstName: string, surName: string): Promise<PersonRow | undefined> {
    const r = await this.sql.first<RawPerson>(`SELECT ${COLS} FROM people WHERE name_key = $1`, [nameKey(firstName, surName)]);
    return r && personFromRow(r);
  }

  async insert(firstName: string, surName: string, createdAt = new Date().toISOString()): Promise<PersonRow> {
    const r = await this.sql.first<RawPerson>(
      `INSERT INTO people (first_name, sur_name, name_key, search_name, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLS}`,
      [firstName, surName, nameKey(firstName, surName), searchName(firstName, surName), createdAt],
    );
    return personFromRow(r!);
  }

  async rename(id: number, firstName: string, surName: string): Promise<PersonRow | undefined> {
    const r = await this.sql.first<RawPerson>(
      `UPDATE people SET first_name = $1, sur_name = $2, name_key = $3, search_name = $4 WHERE id = $5 RETURNING ${COLS}`,
      [firstName, surName, nameKey(firstName, surName), searchName(firstName, surName), id],
    );
    return r && personFromRow(r);
  }

  async delete(id: number): Promise<boolean> {
    return ((await this.sql.result('DELETE FROM people WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async list({ nameContains = '', afterId = 0, limit }: ListPeopleOptions): Promise<PersonRow[]> {
    const rows = await this.sql.rows<RawPerson>(`SELECT ${COLS} FROM people WHERE strpos(search_name, $1) > 0 AND id > $2 ORDER BY id LIMIT $3`, [
      searchKey(nameContains),
      afterId,
      limit,
    ]);
    return rows.map(personFromRow);
  }

  async count(nameContains?: string): Promise<number> {
    const r = nameContains
      ? await this.sql.first<{ n: number }>('SELECT count(*) AS n FROM people WHERE strpos(search_name, $1) > 0', [searchKey(nameContains)])
      : await this.sql.first<{ n: number }>('SELECT count(*) AS n FROM people');
    return r!.n;
  }
}
