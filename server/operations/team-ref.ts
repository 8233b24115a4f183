/**
 * Finds the team a CSV `team` cell or the import CLI's `--team` names: its id, else its
 * exact name, else its name in any letter case ("centro" for "Centro"). Team names are
 * unique regardless of case (migration 0011), so the last step finds at most one team.
 */
export function teamFinder<T extends { id: number; name: string }>(teams: readonly T[]): (ref: string) => T | undefined {
  const byId = new Map(teams.map((t) => [String(t.id), t]));
  const byName = new Map(teams.map((t) => [t.name.trim(), t]));
  const byFolded = new Map<string, T>();
  for (const t of teams) if (!byFolded.has(fold(t.name))) byFolded.set(fold(t.name), t);
  return (ref) => {
    const s = ref.trim();
    return byId.get(s) ?? byName.get(s) ?? byFolded.get(fold(s));
  };
}

const fold = (name: string) => name.trim().toLowerCase();
