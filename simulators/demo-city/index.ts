export { demoCity, DEMO_CITY_CENTER, type DemoCity } from './demo-city.ts';
export { randomAddresses, type DemoAddress } from './addresses.ts';
export { STREET_CLASSES, type StreetClass, type StreetCollection, type StreetFeature, type StreetProperties } from './geojson.ts';
