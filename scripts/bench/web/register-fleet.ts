import type { ServerProcess } from '../../../test/support/server-process.ts';

export interface BenchDevice {
  uniqueId: string;
  token: string;
  collectorId: number;
}

/** N collectors in one team, each with a phone, registered through the API as an admin would. */
export async function registerFleet(server: ServerProcess, team: string, n: number, prefix: string): Promise<BenchDevice[]> {
  const { id: teamId } = await server.api('POST', '/api/teams', { name: team });
  if (typeof teamId !== 'number') throw new Error(`team ${team} not created`);
  const out: BenchDevice[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, async (_, k) => {
        const name = `${prefix} ${String(i + k + 1).padStart(4, '0')}`;
        const collector = await server.api('POST', '/api/collectors', { name, teamId });
        const uniqueId = `${prefix}-${i + k + 1}`;
        const device = await server.api('POST', '/api/devices', { uniqueId, name, collectorId: collector.id });
        if (typeof device.token !== 'string') throw new Error(`device ${uniqueId}: ${JSON.stringify(device)}`);
        return { uniqueId, token: device.token as string, collectorId: collector.id as number };
      }),
    );
    out.push(...batch);
  }
  return out;
}
