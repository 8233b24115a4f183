import type { RefusalTable } from '../contract/refusal.ts';

type Codes<T extends RefusalTable> = readonly (keyof T & string)[];

/**
 * The refusals a route may answer, as its OpenAPI description lists them (one line each), in the
 * order given. Each table with the codes listed from it: a route gives its family's codes and the
 * shared ones its helpers throw (SCOPE_REFUSALS, REQUEST_REFUSALS), and a code is checked against
 * the table it is listed under. Three tables at most (a family's and the two shared ones), hence
 * the overloads: each pair stays typed on its own, with no wrapper around it.
 */
export function refusalsDoc<A extends RefusalTable>(a: A, codesA: Codes<A>): string;
export function refusalsDoc<A extends RefusalTable, B extends RefusalTable>(a: A, codesA: Codes<A>, b: B, codesB: Codes<B>): string;
export function refusalsDoc<A extends RefusalTable, B extends RefusalTable, C extends RefusalTable>(a: A, codesA: Codes<A>, b: B, codesB: Codes<B>, c: C, codesC: Codes<C>): string;
export function refusalsDoc(...lists: (RefusalTable | readonly string[])[]): string {
  const lines: string[] = [];
  for (let i = 0; i < lists.length; i += 2) {
    const table = lists[i] as RefusalTable;
    for (const code of lists[i + 1] as readonly string[]) {
      const { status, values, when } = table[code]!;
      const named = values.length === 0 ? '' : ` (${values.map((v) => `\`values.${v}\``).join(', ')})`;
      lines.push(`- ${status} \`${code}\`${named}: ${when}`);
    }
  }
  return 'Refusals name their cause in `reason`, with what its words name in `values`:\n' + lines.join('\n');
}
