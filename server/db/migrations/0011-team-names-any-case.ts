import { sql, type Kysely } from 'kysely';

/**
 * Team names are unique regardless of letter case. A CSV row's `team` cell and the import
 * CLI's `--team` match names in any case, so with both "Poniente" and "PONIENTE" a row
 * meant for one could land in the other. Frozen once landed (STYLE rule 9).
 *
 * - Teams that already differ only by case keep the oldest name; the others get their id
 *   appended ("PONIENTE (7)") so the index can be built and an admin can rename them.
 * - The unique index on lower(name) holds the rule for every writer, even two at once.
 * - The trigger refuses first, with a message that names the other team: the index's own
 *   message ("duplicate key value violates unique constraint") would not. An exact duplicate
 *   is left to the `name` constraint so `on conflict (name)` (the demo's seed) still works.
 *   Both raise unique_violation: the API answers 409.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update teams t set name = t.name || ' (' || t.id || ')'
    where exists (select 1 from teams o where lower(o.name) = lower(t.name) and o.id < t.id);
    create unique index teams_name_any_case on teams (lower(name));
  `.execute(db);
  await sql`
    create function teams_name_any_case() returns trigger language plpgsql as $fn$
    declare
      other record;
    begin
      select id, name into other from teams where lower(name) = lower(new.name) and name <> new.name and id <> new.id limit 1;
      if found then
        raise exception 'team % is named "%": team names must differ by more than letter case', other.id, other.name
          using errcode = 'unique_violation';
      end if;
      return new;
    end $fn$;
    create trigger teams_name_any_case before insert or update of name on teams
      for each row execute function teams_name_any_case();
  `.execute(db);
}
