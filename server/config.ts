import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isKnownCurrency } from './lib/currency.ts';

const Port = (def: number) => Type.Integer({ minimum: 0, maximum: 65535, default: def });

/** Every setting, its default and its environment variable (SPEC §4). The type is derived from it. */
export const ConfigSchema = Type.Object({
  DATABASE_URL: Type.Optional(Type.String()),
  DATA_DIR: Type.String({ default: './data' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, default: 10 }),
  PORT: Port(3000),
  HOST: Type.String({ default: '0.0.0.0' }),
  MQTT_PORT: Port(1883),
  GT06_PORT: Port(5023),
  TELTONIKA_PORT: Port(5027),
  H02_PORT: Port(5013),
  OSMAND_PORT: Port(5055),
  /**
   * The name or IP address devices connect to, when it is not the one the dashboard is opened at
   * (a reverse proxy, NAT, another DNS name for the device ports): the devices page shows it in a
   * new device's settings. Unset, the page shows the dashboard's own host name.
   */
  DEVICE_HOST: Type.Optional(Type.String()),
  OSRM_URL: Type.Optional(Type.String()),
  REDIS_URL: Type.Optional(Type.String()),
  MQTT_URL: Type.Optional(Type.String()),
  /** With MQTT_URL: this instance's session name at the external broker; keep it stable across restarts (default ronda-{hostname}). */
  MQTT_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  /** With MQTT_URL: the shared-subscription group every instance of one deployment joins; another deployment on the same broker needs its own. */
  MQTT_SHARE_GROUP: Type.String({ pattern: '^[^/+#]+$', default: 'ronda' }),
  MAP_STYLE_URL: Type.Optional(Type.String()),
  ADMIN_EMAIL: Type.String({ default: 'admin@ronda.local' }),
  ADMIN_PASSWORD: Type.Optional(Type.String()),
  LOG_LEVEL: Type.String({ default: 'info' }),
  TIME_ZONE: Type.String({ default: 'America/Mexico_City' }),
  CURRENCY: Type.String({ default: 'MXN' }),
  /** Filters applied to every incoming position (Traccar's filter.* equivalents). */
  FILTER_INVALID: Type.Boolean({ default: true }),
  FILTER_ZERO: Type.Boolean({ default: true }),
  FILTER_FUTURE_S: Type.Integer({ minimum: 0, default: 300 }),
  FILTER_DUPLICATE: Type.Boolean({ default: true }),
  FILTER_ACCURACY_M: Type.Number({ minimum: 0, default: 500 }),
  FILTER_MAX_SPEED_KPH: Type.Number({ minimum: 0, default: 300 }),
  /** Batch writer: rows per INSERT, flush interval, and the bound on queued rows before ACKs stop. */
  WRITE_BATCH_ROWS: Type.Integer({ minimum: 1, default: 2000 }),
  WRITE_FLUSH_MS: Type.Integer({ minimum: 1, default: 50 }),
  WRITE_QUEUE_MAX: Type.Integer({ minimum: 1, default: 50000 }),
  /** How often the deviation engine's time-based rules (offline, end of shift) look at the clock. */
  DEVIATION_TICK_S: Type.Number({ exclusiveMinimum: 0, default: 15 }),
  POSITIONS_COMPRESS_AFTER_DAYS: Type.Integer({ minimum: 1, default: 7 }),
  POSITIONS_RETAIN_DAYS: Type.Integer({ minimum: 0, default: 400 }),
});
export type Config = Static<typeof ConfigSchema>;

/** Reads the environment; a bad value is a clear error naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  const errors = [...Value.Errors(ConfigSchema, withDefaults)];
  if (errors.length > 0) {
    const e = errors[0];
    throw new Error(`invalid configuration: ${e.path.slice(1)}=${JSON.stringify(raw[e.path.slice(1)])}: ${e.message}`);
  }
  const config = withDefaults as Config;
  if (config.DATABASE_URL !== undefined) checkDatabaseUrl(config.DATABASE_URL);
  if (config.DEVICE_HOST !== undefined) checkDeviceHost(config.DEVICE_HOST);
  checkTeamDefaults(config);
  return config;
}

/**
 * The zone and currency every new team starts with, held to the API's own checks on a team's: a
 * misspelt one would otherwise reach each team created without its own and fail far from here.
 */
function checkTeamDefaults(config: Config): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: config.TIME_ZONE });
  } catch {
    throw new Error(`invalid configuration: TIME_ZONE=${JSON.stringify(config.TIME_ZONE)}: not an IANA time zone (such as America/Mexico_City)`);
  }
  if (!isKnownCurrency(config.CURRENCY)) {
    throw new Error(`invalid configuration: CURRENCY=${JSON.stringify(config.CURRENCY)}: not an ISO 4217 currency code (such as MXN, USD or COP)`);
  }
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * A host name or a bare IP address: it is typed into a phone or tracker beside the port of its
 * protocol, so a scheme or a port here would be typed in twice (mqtt://host:1883 then 1883).
 */
function checkDeviceHost(value: string): void {
  const refuse = (why: string) => {
    throw new Error(`invalid configuration: DEVICE_HOST=${JSON.stringify(value)}: ${why}; set only the host name or IP address devices connect to (such as gps.example.com or 203.0.113.7)`);
  };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme) refuse(`has a scheme (${scheme[1]}://)`);
  if (isIP(value) !== 0) return;
  const port = /:(\d+)$/.exec(value);
  // One port here would fit one protocol only: each has its own.
  if (port) refuse(`has a port (:${port[1]}); each protocol's port is its own variable (MQTT_PORT, GT06_PORT...)`);
  if (!HOST_NAME.test(value)) refuse('not a host name or IP address');
}

/** PostgreSQL URLs only (pg reads anything else as a host or socket name, and fails far from here); never echoes a password. */
function checkDatabaseUrl(value: string): void {
  const expected = 'DATABASE_URL must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/database)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${expected}; the value set is not a URL`);
  }
  // No host is fine: postgresql:///ronda?host=/var/run/postgresql is a Unix socket.
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error(`${expected}, not ${url.protocol}//`);
}
