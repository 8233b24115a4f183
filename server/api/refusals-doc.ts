import type { RefusalTable } from '../contract/refusal.ts';

/** The refusals a route may answer, as its OpenAPI description lists them (one line each). */
export function refusalsDoc<T extends RefusalTable>(table: T, codes: readonly (keyof T & string)[]): string {
  return (
    'Refusals name their cause in `reason`, with what its words name in `values`:\n' +
    codes
      .map((code) => {
        const { status, values, when } = table[code]!;
        const named = values.length === 0 ? '' : ` (${values.map((v) => `\`values.${v}\``).join(', ')})`;
        return `- ${status} \`${code}\`${named}: ${when}`;
      })
      .join('\n')
  );
}
