import type { TeamPlanSettings, TeamPlanSettingsOut } from '$contract/plan.ts';
import type { boardSettingsEs } from '../i18n/board-settings-es.ts';

/** The settings form as the inputs hold it: text, so a half-typed value is kept and named, not lost. */
export interface PlanSettingsForm {
  officeLat: string;
  officeLon: string;
  shiftStart: string;
  shiftEnd: string;
  maxVisits: string;
  hasBreak: boolean;
  breakStart: string;
  breakEnd: string;
  breakMinutes: string;
  evenShare: boolean;
}

export type SettingsField = 'office' | 'officeLat' | 'officeLon' | 'shiftStart' | 'shiftEnd' | 'maxVisits' | 'breakStart' | 'breakEnd' | 'breakMinutes';
export type SettingsError = keyof typeof boardSettingsEs;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** A time input cannot hold 24:00 (a shift to midnight): it shows 23:59, saved back as midnight. */
const toInput = (hhmm: string) => (hhmm === '24:00' ? '23:59' : hhmm);

export function toForm(s: TeamPlanSettingsOut): PlanSettingsForm {
  return {
    officeLat: s.office ? String(s.office.lat) : '',
    officeLon: s.office ? String(s.office.lon) : '',
    shiftStart: toInput(s.shift.start),
    shiftEnd: toInput(s.shift.end),
    maxVisits: String(s.maxVisitsPerCollector),
    hasBreak: s.break !== null,
    breakStart: s.break?.start ?? '13:00',
    breakEnd: s.break?.end ?? '15:00',
    breakMinutes: String(s.break?.minutes ?? 45),
    evenShare: s.evenShare,
  };
}

/** A decimal number typed with a point or, as Spanish writes it, a comma; null when it is not one. */
function decimal(text: string): number | null {
  const t = text.trim().replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

function integer(text: string, min: number, max: number): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) && Number(t) >= min && Number(t) <= max ? Number(t) : null;
}

/**
 * The PUT body for the form, or what is wrong with it by field (the same rules the server
 * applies, said before the request and in the page's language). `wasMidnight`: the shift
 * read ended at 24:00, which the time input shows as 23:59.
 */
export function fromForm(f: PlanSettingsForm, wasMidnight = false): { body: TeamPlanSettings } | { errors: Partial<Record<SettingsField, SettingsError>> } {
  const errors: Partial<Record<SettingsField, SettingsError>> = {};
  let office: TeamPlanSettings['office'] = null;
  if (f.officeLat.trim() !== '' || f.officeLon.trim() !== '') {
    const lat = decimal(f.officeLat);
    const lon = decimal(f.officeLon);
    if (f.officeLat.trim() === '' || f.officeLon.trim() === '') errors.office = 'planSettings.error.officeBoth';
    else if (lat === null || lat < -90 || lat > 90) errors.officeLat = 'planSettings.error.lat';
    else if (lon === null || lon < -180 || lon > 180) errors.officeLon = 'planSettings.error.lon';
    else office = { lat, lon };
  }
  if (!HHMM.test(f.shiftStart)) errors.shiftStart = 'planSettings.error.time';
  if (!HHMM.test(f.shiftEnd)) errors.shiftEnd = 'planSettings.error.time';
  else if (!errors.shiftStart && minutes(f.shiftEnd) <= minutes(f.shiftStart)) errors.shiftEnd = 'planSettings.error.shiftOrder';
  const maxVisits = integer(f.maxVisits, 0, 500);
  if (maxVisits === null) errors.maxVisits = 'planSettings.error.maxVisits';
  let pause: TeamPlanSettings['break'] = null;
  if (f.hasBreak) {
    const length = integer(f.breakMinutes, 1, 240);
    if (!HHMM.test(f.breakStart)) errors.breakStart = 'planSettings.error.time';
    if (!HHMM.test(f.breakEnd)) errors.breakEnd = 'planSettings.error.time';
    else if (!errors.breakStart && minutes(f.breakEnd) < minutes(f.breakStart)) errors.breakEnd = 'planSettings.error.breakOrder';
    if (length === null) errors.breakMinutes = 'planSettings.error.breakMinutes';
    else pause = { start: f.breakStart, end: f.breakEnd, minutes: length };
  }
  if (Object.keys(errors).length > 0) return { errors };
  const shiftEnd = wasMidnight && f.shiftEnd === '23:59' ? '24:00' : f.shiftEnd;
  return { body: { office, shift: { start: f.shiftStart, end: shiftEnd }, maxVisitsPerCollector: maxVisits!, break: pause, evenShare: f.evenShare } };
}
