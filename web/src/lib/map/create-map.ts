import type { Map as MapLibreMap } from 'maplibre-gl';
import { api } from '../api.ts';
import { i18n } from '../i18n.svelte.ts';
import { loadMapConfig } from '../map-config.ts';
import { offlineStyle, type Streets } from './offline-style.ts';

let streets: Promise<Streets> | null = null;

/** GET /api/map/streets once per session: every map page draws the same city. */
function loadStreets(): Promise<Streets> {
  streets ??= api<Streets>('/map/streets').catch((err: unknown) => {
    streets = null;
    throw err;
  });
  return streets;
}

/**
 * Starts downloading MapLibre (most of the bundle) without waiting for a map page to
 * mount: the layout calls this, so the chunk loads alongside the page's own code.
 * `createMap`'s own import then resolves from the same module load.
 */
export function preloadMapLibre(): Promise<unknown> {
  return import('maplibre-gl');
}

/**
 * A MapLibre map on the account's basemap (MAP_STYLE_URL, or the built-in offline
 * style over our own streets), resolved once its style has loaded.
 */
export async function createMap(container: HTMLElement): Promise<MapLibreMap> {
  // MapLibre is most of the bundle; loading it here keeps the login page light.
  // The streets load while MapLibre downloads; with MAP_STYLE_URL set they are not needed.
  const streetsFor = loadMapConfig().then((config) => (config.styleUrl ? null : loadStreets()));
  streetsFor.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const [{ default: maplibregl }, config] = await Promise.all([import('maplibre-gl'), loadMapConfig()]);
  const style = config.styleUrl ?? offlineStyle((await streetsFor)!);
  const map = new maplibregl.Map({
    container,
    style,
    center: config.center,
    zoom: config.zoom,
    attributionControl: config.styleUrl ? { compact: true } : false,
    collectResourceTiming: false,
    // Labels re-place on every live update (4 a second); fading them in and out would keep
    // the map repainting without pause, which a wall on a modest GPU cannot afford.
    fadeDuration: 0,
    // The controls' tooltips and labels in the dashboard's language (MapLibre's are English).
    locale: mapWords(),
  });
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), 'bottom-right');
  try {
    await firstRender(map);
  } catch (err) {
    map.remove();
    throw err;
  }
  return map;
}

/** MapLibre's own words (its canvas's name, its controls' names and tooltips) in the dashboard's language. */
function mapWords() {
  return {
    'Map.Title': i18n.t('map.label'),
    'NavigationControl.ZoomIn': i18n.t('map.zoomIn'),
    'NavigationControl.ZoomOut': i18n.t('map.zoomOut'),
    'NavigationControl.ResetBearing': i18n.t('map.resetBearing'),
    'AttributionControl.ToggleAttribution': i18n.t('map.attribution'),
  };
}

/** Where MapLibre wrote each of its words, and in which attributes (its NavigationControl and AttributionControl set both). */
const WRITTEN: readonly [selector: string, key: keyof ReturnType<typeof mapWords>, attributes: readonly string[]][] = [
  ['canvas.maplibregl-canvas', 'Map.Title', ['aria-label']],
  ['.maplibregl-ctrl-zoom-in', 'NavigationControl.ZoomIn', ['aria-label', 'title']],
  ['.maplibregl-ctrl-zoom-out', 'NavigationControl.ZoomOut', ['aria-label', 'title']],
  ['.maplibregl-ctrl-compass', 'NavigationControl.ResetBearing', ['aria-label', 'title']],
  ['.maplibregl-ctrl-attrib-button', 'AttributionControl.ToggleAttribution', ['aria-label', 'title']],
];

/**
 * The map's own words in the language now on. MapLibre reads its locale only when the map and its
 * controls are made, and has no call to change it: switching to English left "Mapa de cobradores",
 * "Acercar" and "Alejar" on an English page. So the words it already wrote are written again, and its
 * locale updated for anything it writes later (the attribution button, drawn when the map narrows).
 */
export function relabelMap(map: MapLibreMap): void {
  const words = mapWords();
  Object.assign(map._locale, words);
  const root = map.getContainer();
  for (const [selector, key, attributes] of WRITTEN) {
    for (const el of root.querySelectorAll(selector)) for (const attribute of attributes) el.setAttribute(attribute, words[key]);
  }
}

/**
 * Resolves on the map's first complete render. Rejects when the style itself cannot
 * load (MAP_STYLE_URL down or invalid): MapLibre then never fires 'load', and the page
 * would wait on an empty map with no error and no retry. A tile or sprite that fails
 * is logged as MapLibre logs it and the map goes on without it.
 */
function firstRender(map: MapLibreMap): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: { error: Error }) => {
      // getStyle() stays undefined until the style document has loaded and validated.
      if (map.getStyle() !== undefined) {
        console.error(e.error);
        return;
      }
      map.off('error', failed);
      map.off('load', loaded);
      reject(e.error);
    };
    const loaded = () => {
      map.off('error', failed);
      resolve();
    };
    map.on('error', failed);
    map.once('load', loaded);
  });
}
