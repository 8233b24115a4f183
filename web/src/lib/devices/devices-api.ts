import type { RejectedRecordPage } from '$contract/checkin.ts';
import type { CreateDevice, DeviceList, DeviceOut, DevicePatch, DeviceWithToken, UnknownDevice } from '$contract/device.ts';
import { api } from '../api.ts';
import type { Listener } from './connection-settings.ts';

/** The list, and the host devices connect to when it is not the dashboard's (DEVICE_HOST). */
export const loadDevices = (): Promise<DeviceList> => api<DeviceList>('/devices');
/** Rejected records newest first, `limit` of them, older than the record `before` when given. */
export const loadRejectedRecords = (limit: number, before?: number): Promise<RejectedRecordPage> =>
  api<RejectedRecordPage>(`/records/rejected?limit=${limit}${before === undefined ? '' : `&before=${before}`}`);

export const loadUnknownDevices = async (): Promise<UnknownDevice[]> => (await api<{ devices: UnknownDevice[] }>('/devices/unknown')).devices;

export const registerDevice = (body: CreateDevice): Promise<DeviceWithToken> => api<DeviceWithToken>('/devices', { method: 'POST', body: JSON.stringify(body) });

export const updateDevice = (uniqueId: string, patch: DevicePatch): Promise<DeviceOut> =>
  api<DeviceOut>(`/devices/${encodeURIComponent(uniqueId)}`, { method: 'PATCH', body: JSON.stringify(patch) });

export const rotateToken = (uniqueId: string): Promise<DeviceWithToken> => api<DeviceWithToken>(`/devices/${encodeURIComponent(uniqueId)}/token`, { method: 'POST' });

/** The bound ports, for the settings a new device needs. Degraded (503) still lists them. */
export async function loadListeners(): Promise<Listener[]> {
  const res = await fetch('/api/health');
  const body = (await res.json().catch(() => null)) as { listeners?: Listener[] } | null;
  return body?.listeners ?? [];
}
