import type { MetricsGroup, MetricsResponse, MetricsSummaryResponse } from '$contract/metrics.ts';
import type { TeamOut } from '$contract/team.ts';
import { ApiError, api, signOut } from './api.ts';
import { session } from './session.svelte.ts';

export interface MetricsQuery {
  from: string;
  to: string;
  teamId: number | null;
  /** The money figures' currency; null lets the server choose (the team's, or its own). */
  currency: string | null;
}

/** What the metrics page shows of a team: its name in the team picker. */
export type TeamOption = Pick<TeamOut, 'id' | 'name'>;

function search(q: MetricsQuery): string {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  if (q.teamId !== null) p.set('teamId', String(q.teamId));
  if (q.currency !== null) p.set('currency', q.currency);
  return p.toString();
}

export const loadMetrics = (q: MetricsQuery): Promise<MetricsResponse> => api<MetricsResponse>(`/metrics/collectors?${search(q)}`);

export const loadSummary = (q: MetricsQuery, groupBy: MetricsGroup): Promise<MetricsSummaryResponse> =>
  api<MetricsSummaryResponse>(`/metrics/summary?${search(q)}&groupBy=${groupBy}`);

export const loadTeams = async (): Promise<TeamOption[]> => (await api<{ teams: TeamOut[] }>('/teams')).teams;

/**
 * The server's CSV for the same filter. Fetched with the bearer token (a plain
 * link would carry none) and handed to the browser as a download.
 */
export async function downloadMetricsCsv(q: MetricsQuery & { currency: string }): Promise<void> {
  const res = await fetch(`/api/metrics/collectors.csv?${search(q)}`, { headers: { Authorization: `Bearer ${session.token ?? ''}` } });
  if (res.status === 401) await signOut();
  if (!res.ok) throw new ApiError(res.status, res.statusText);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `ronda-metrics-${q.from}-${q.to}-${q.currency}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The calendar day `days` after `day` (YYYY-MM-DD; negative goes back). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
