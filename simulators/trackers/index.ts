export { Gt06Device, type Gt06DeviceOptions } from './gt06-device.ts';
export { TeltonikaTcpDevice, fixToTeltonikaRecord, type TeltonikaDeviceOptions } from './teltonika-device.ts';
export { TeltonikaUdpDevice, type TeltonikaUdpDeviceOptions } from './teltonika-udp-device.ts';
export { H02Device } from './h02-device.ts';
export { OsmAndDevice, type OsmAndDeviceOptions } from './osmand-device.ts';
export type { TrackerFix } from './tracker-fix.ts';
export type { TcpDeviceOptions } from './tcp-device.ts';
export { OwnTracksDevice, type OwnTracksDeviceOptions } from './owntracks-device.ts';
