import { describe, expect, it } from 'vitest';
import { connectionSettings, settingsText } from './connection-settings.ts';

const LISTENERS = [
  { name: 'http', transport: 'http', port: 3000 },
  { name: 'mqtt', transport: 'tcp', port: 1883 },
  { name: 'mqtt-ws', transport: 'ws', port: 3000 },
  { name: 'gt06', transport: 'tcp', port: 5023 },
  { name: 'teltonika', transport: 'tcp', port: 5027 },
  { name: 'teltonika', transport: 'udp', port: 5027 },
  { name: 'h02', transport: 'tcp', port: 5013 },
  { name: 'osmand', transport: 'http', port: 5055 },
];
const values = (s: ReturnType<typeof connectionSettings>) => Object.fromEntries(s.settings.map((x) => [x.label.replace('devices.setting.', ''), x.value]));

describe('connectionSettings', () => {
  it('gives a phone the MQTT host and port, its uniqueId as username and the token as password', () => {
    const s = connectionSettings('mqtt', 'ana-phone', 'tok', 'ronda.example', LISTENERS);
    expect(s.kind).toBe('mqtt');
    expect(values(s)).toEqual({ host: 'ronda.example', mqttPort: '1883', username: 'ana-phone', password: 'tok' });
    expect(s.settings.find((x) => x.secret)?.value).toBe('tok');
    // Registered without a protocol: a phone, the usual case; OwnTracks logs in the same way.
    expect(values(connectionSettings(null, 'p', 'tok', 'h', LISTENERS))).toEqual({ host: 'h', mqttPort: '1883', username: 'p', password: 'tok' });
    expect(connectionSettings('owntracks', 'p', 'tok', 'h', LISTENERS).kind).toBe('mqtt');
  });

  it("gives a tracker its protocol's TCP port and IMEI", () => {
    expect(values(connectionSettings('gt06', '359339081234567', 'tok', 'h', LISTENERS))).toEqual({ host: 'h', port: '5023', imei: '359339081234567', tokenSpare: 'tok' });
    expect(values(connectionSettings('teltonika', '1', 'tok', 'h', LISTENERS)).port).toBe('5027');
    expect(values(connectionSettings('h02', '1', 'tok', 'h', LISTENERS)).port).toBe('5013');
  });

  it('gives OsmAnd the URL it posts to', () => {
    expect(values(connectionSettings('osmand', 'a b', 'tok', 'h', LISTENERS)).url).toBe('http://h:5055/?id=a%20b');
    // DEVICE_HOST gives an IPv6 address bare; the page's own hostname comes bracketed already.
    expect(values(connectionSettings('osmand', 'a', 'tok', '2001:db8::7', LISTENERS)).url).toBe('http://[2001:db8::7]:5055/?id=a');
    expect(values(connectionSettings('osmand', 'a', 'tok', '[::1]', LISTENERS)).url).toBe('http://[::1]:5055/?id=a');
  });

  it('says a port is not known where the server has no such listener (an external broker)', () => {
    expect(values(connectionSettings('mqtt', 'p', 'tok', 'h', [])).mqttPort).toBeNull();
    const s = connectionSettings('gt06', '1', 'tok', 'h', []);
    expect(settingsText(s, (k) => k.replace('devices.setting.', ''))).toBe('host: h\nport: —\nimei: 1\ntokenSpare: tok');
  });
});
