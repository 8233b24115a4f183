import type { MessageKey } from '../i18n/es.ts';
import { isDeviceProtocol } from './device-rows.ts';

/** A bound listener as GET /api/health lists it. */
export interface Listener {
  name: string;
  transport: string;
  port: number;
}

export interface Setting {
  label: MessageKey;
  /** null: not known here (no such listener bound, an external broker): the page says so. */
  value: string | null;
  /** The token: shown once, copied, never listed again. */
  secret?: boolean;
}

export interface ConnectionSettings {
  /** How the device connects, for the heading: a phone over MQTT, a tracker over TCP, an OsmAnd-style HTTP client. */
  kind: 'mqtt' | 'tracker' | 'http';
  settings: Setting[];
}

const TRACKERS = new Set(['gt06', 'teltonika', 'h02']);

/** An IPv6 address is bracketed in a URL (RFC 3986 §3.2.2); DEVICE_HOST gives it bare, the page's hostname bracketed. */
const urlHost = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

const portOf = (listeners: readonly Listener[], name: string, transport: string): number | null =>
  listeners.find((l) => l.name === name && l.transport === transport)?.port ?? null;

/**
 * What the person setting a device up types into it, from the ports the server has bound
 * (GET /api/health) and the host devices reach it at (DEVICE_HOST, else the dashboard's): a phone logs in to MQTT with its uniqueId and token; a tracker needs only
 * the host and its protocol's port (it is known by its IMEI); OsmAnd posts to a URL.
 * A device registered without a protocol is taken for a phone, the usual case.
 */
export function connectionSettings(protocol: string | null, uniqueId: string, token: string, host: string, listeners: readonly Listener[]): ConnectionSettings {
  const p = isDeviceProtocol(protocol) ? protocol : 'mqtt';
  if (TRACKERS.has(p)) {
    const port = portOf(listeners, p, 'tcp');
    return {
      kind: 'tracker',
      settings: [
        { label: 'devices.setting.host', value: host },
        { label: 'devices.setting.port', value: port === null ? null : String(port) },
        { label: 'devices.setting.imei', value: uniqueId },
        { label: 'devices.setting.tokenSpare', value: token, secret: true },
      ],
    };
  }
  if (p === 'osmand') {
    const port = portOf(listeners, 'osmand', 'http');
    return {
      kind: 'http',
      settings: [
        { label: 'devices.setting.url', value: port === null ? null : `http://${urlHost(host)}:${port}/?id=${encodeURIComponent(uniqueId)}` },
        { label: 'devices.setting.tokenSpare', value: token, secret: true },
      ],
    };
  }
  const port = portOf(listeners, 'mqtt', 'tcp');
  return {
    kind: 'mqtt',
    settings: [
      { label: 'devices.setting.host', value: host },
      { label: 'devices.setting.mqttPort', value: port === null ? null : String(port) },
      { label: 'devices.setting.username', value: uniqueId },
      { label: 'devices.setting.password', value: token, secret: true },
    ],
  };
}

/** The settings as one block of text, for the copy button: "Host: …" per line. */
export function settingsText(s: ConnectionSettings, t: (key: MessageKey) => string): string {
  return s.settings.map((x) => `${t(x.label)}: ${x.value ?? '—'}`).join('\n');
}
