import type { Map as MapLibreMap } from 'maplibre-gl';

const LABEL = 'label:';
const COUNT = 'count:';
/** A stop's number on its pin (operations-layers.ts), `stop:3`. */
export const STOP_NUMBER = 'stop:';
const nameFont = (pixelRatio: number) => `600 ${12 * pixelRatio}px system-ui, sans-serif`;
const ageFont = (pixelRatio: number) => `400 ${11 * pixelRatio}px system-ui, sans-serif`;

export interface LabelText {
  /** The collector's name, or undefined while the list has not loaded it. */
  name(id: number): string | undefined;
  /** "hace 5 min" for a label `minutes` old; only asked for minutes > 0. */
  age(minutes: number): string;
}

/**
 * Text on the map without glyphs: the built-in offline style has no font server (the
 * wall may run with no internet, SPEC §4), so collector labels and cluster counts are
 * drawn on a canvas the first time MapLibre asks for an image it does not have
 * (`styleimagemissing`). Symbol collision still applies, so crowded labels hide (not the
 * stop numbers, which a collector follows in order).
 */
export class LabelImages {
  #map: MapLibreMap;
  #text: LabelText;
  #pixelRatio = Math.max(1, Math.round(window.devicePixelRatio));
  #ctx: CanvasRenderingContext2D;

  constructor(map: MapLibreMap, text: LabelText) {
    this.#map = map;
    this.#text = text;
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('canvas 2d context unavailable');
    this.#ctx = ctx;
    map.on('styleimagemissing', ({ id }: { id: string }) => {
      const image = this.#draw(id);
      if (image && !map.hasImage(id)) map.addImage(id, image, { pixelRatio: this.#pixelRatio });
    });
  }

  /** Frees images no feature uses any more (a label that aged into the next bucket). */
  retire(ids: readonly string[]): void {
    for (const id of ids) if (this.#map.hasImage(id)) this.#map.removeImage(id);
  }

  /** Drops every label (the language changed): MapLibre asks again for those in view. */
  reset(): void {
    for (const id of this.#map.listImages()) if (id.startsWith(LABEL)) this.#map.removeImage(id);
  }

  /** How wide a name label is on screen, in CSS pixels (0 for none, or one not drawable yet). */
  width(id: string): number {
    const text = this.#labelText(id);
    return text ? this.#measure(text.name, text.age).w / this.#pixelRatio : 0;
  }

  #draw(id: string): ImageData | null {
    if (id.startsWith(COUNT)) return this.#count(id.slice(COUNT.length));
    if (id.startsWith(STOP_NUMBER)) return this.#stopNumber(id.slice(STOP_NUMBER.length));
    const text = this.#labelText(id);
    return text ? this.#label(text.name, text.age) : null;
  }

  #labelText(id: string): { name: string; age: string } | null {
    if (!id.startsWith(LABEL)) return null;
    const [collector, minutes] = id.slice(LABEL.length).split(':').map(Number);
    const name = this.#text.name(collector);
    if (name === undefined) return null;
    return { name, age: minutes > 0 ? this.#text.age(minutes) : '' };
  }

  /** In device pixels; `nameW` is where the age starts after the padding. */
  #measure(name: string, age: string): { w: number; nameW: number; pad: number } {
    const r = this.#pixelRatio;
    const ctx = this.#ctx;
    ctx.font = nameFont(r);
    const nameW = ctx.measureText(name).width;
    ctx.font = ageFont(r);
    const ageW = age ? ctx.measureText(` · ${age}`).width : 0;
    const pad = 6 * r;
    return { w: Math.ceil(nameW + ageW + 2 * pad), nameW, pad };
  }

  #label(name: string, age: string): ImageData {
    const r = this.#pixelRatio;
    const ctx = this.#ctx;
    const { w, nameW, pad } = this.#measure(name, age);
    const h = Math.ceil(18 * r);
    ctx.canvas.width = w;
    ctx.canvas.height = h;
    ctx.fillStyle = 'rgba(5, 8, 15, 0.78)';
    ctx.beginPath();
    ctx.roundRect(0, 0, w, h, 5 * r);
    ctx.fill();
    ctx.textBaseline = 'middle';
    ctx.font = nameFont(r);
    ctx.fillStyle = '#e2e8f0';
    ctx.fillText(name, pad, h / 2);
    if (age) {
      ctx.font = ageFont(r);
      // Amber: a label that shows an age at all belongs to someone silent for a minute or more.
      ctx.fillStyle = '#fbbf24';
      ctx.fillText(` · ${age}`, pad + nameW, h / 2);
    }
    return ctx.getImageData(0, 0, w, h);
  }

  /** A cluster's count: white over the cluster's disc. */
  #count(text: string): ImageData {
    return this.#centred(text, 13, '#f8fafc');
  }

  /** A stop's number: dark over its pin, whose light status colours carry it (as the list's badge does). */
  #stopNumber(text: string): ImageData {
    return this.#centred(text, text.length > 2 ? 9 : 11.5, '#05080f');
  }

  #centred(text: string, sizePx: number, colour: string): ImageData {
    const r = this.#pixelRatio;
    const ctx = this.#ctx;
    const font = `700 ${sizePx * r}px system-ui, sans-serif`;
    ctx.font = font;
    const w = Math.ceil(ctx.measureText(text).width + 4 * r);
    const h = Math.ceil(16 * r);
    ctx.canvas.width = w;
    ctx.canvas.height = h;
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.fillStyle = colour;
    ctx.fillText(text, w / 2, h / 2);
    return ctx.getImageData(0, 0, w, h);
  }
}
