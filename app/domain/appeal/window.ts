/*
 * The appeal (sanggah) window, pure (spec rb-2024 §4.1): by default N working days from the release of
 * the evaluator layer, in WIB (Asia/Jakarta, UTC+7, no daylight saving), skipping Saturdays, Sundays and
 * the holidays given as data (content/holidays, national holidays and cuti bersama). An explicit window
 * (appeal_window: org-specific over installation-wide for the year and instrument) replaces the default.
 *
 * How the days count: the release day is day 0 and does not count (results published that day may be
 * appealed that same day, but the N days start on the next working day); the window closes at the end of
 * the N-th working day after it (inclusive, WIB). Source: the 2024 provisional results were published on
 * 26 Feb 2025 with "10 hari kerja" to appeal (rb-2024 §4.1, N1), which gives Wednesday 12 March 2025.
 */

export const DEFAULT_APPEAL_WORKING_DAYS = 10;

/** A calendar date, YYYY-MM-DD. */
export type IsoDate = string;

export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const WIB_OFFSET_MS = 7 * 3_600_000;

const DAY_MS = 86_400_000;

/*
 * Calendar arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian; H. Hinnant's
 * days_from_civil / civil_from_days), so the domain builds no Date objects (it stays deterministic).
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(n: number): IsoDate {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const dayNumber = (date: IsoDate): number => daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));

/** The WIB calendar date of an instant. */
export function wibDate(instant: string | Date): IsoDate {
  const ms = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  return civilFromDays(Math.floor((ms + WIB_OFFSET_MS) / DAY_MS));
}

export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  return civilFromDays(dayNumber(s)) === s;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return civilFromDays(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(date: IsoDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

/** The holidays known per year; a year absent from the map is not known (only weekends are skipped). */
export interface HolidayCalendar {
  years: ReadonlyMap<number, ReadonlySet<IsoDate>>;
}

export function holidayCalendar(entries: readonly { year: number; dates: readonly IsoDate[] }[]): HolidayCalendar {
  const years = new Map<number, Set<IsoDate>>();
  for (const e of entries) {
    const set = years.get(e.year) ?? new Set<IsoDate>();
    for (const d of e.dates) set.add(d);
    years.set(e.year, set);
  }
  return { years };
}

export const EMPTY_CALENDAR: HolidayCalendar = { years: new Map() };

const yearOf = (date: IsoDate) => Number(date.slice(0, 4));

export function isHoliday(date: IsoDate, cal: HolidayCalendar): boolean {
  return cal.years.get(yearOf(date))?.has(date) ?? false;
}

export function isWorkingDay(date: IsoDate, cal: HolidayCalendar): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && !isHoliday(date, cal);
}

/** The n-th working day after `start` (start itself never counts), and the years crossed whose holidays are unknown. */
export function nthWorkingDayAfter(start: IsoDate, n: number, cal: HolidayCalendar): { date: IsoDate; unknownYears: number[] } {
  const unknown = new Set<number>();
  let date = start;
  let counted = 0;
  if (!cal.years.has(yearOf(start))) unknown.add(yearOf(start));
  while (counted < n) {
    date = addDays(date, 1);
    if (!cal.years.has(yearOf(date))) unknown.add(yearOf(date));
    if (isWorkingDay(date, cal)) counted++;
  }
  return { date, unknownYears: [...unknown].sort() };
}

/** Working days from `from` to `to`, both inclusive (0 when to < from). */
export function workingDaysBetween(from: IsoDate, to: IsoDate, cal: HolidayCalendar): number {
  let n = 0;
  for (let d = from; d <= to; d = addDays(d, 1)) if (isWorkingDay(d, cal)) n++;
  return n;
}

/** An explicit window row as the rule needs it. */
export interface ExplicitWindow {
  organisationId: string | null;
  opensOn: IsoDate;
  closesOn: IsoDate;
}

export type WindowSource = "organisation" | "installation" | "default";

export interface AppealWindowView {
  opensOn: IsoDate;
  closesOn: IsoDate;
  source: WindowSource;
  /** The default's N; null for an explicit window. */
  workingDays: number | null;
  /** Years the default crossed whose holidays are not in the data (only weekends were skipped there). */
  unknownHolidayYears: number[];
}

/** The default window: opens on the release day (WIB), closes on the N-th working day after it. */
export function defaultWindow(releasedAt: string, cal: HolidayCalendar, n = DEFAULT_APPEAL_WORKING_DAYS): AppealWindowView {
  const opensOn = wibDate(releasedAt);
  const { date, unknownYears } = nthWorkingDayAfter(opensOn, n, cal);
  return { opensOn, closesOn: date, source: "default", workingDays: n, unknownHolidayYears: unknownYears };
}

/**
 * The window that applies to one organisation's released layer: an explicit window for the
 * organisation, else one for the whole installation, else the default from the release; null when
 * there is neither an explicit window nor a release.
 */
export function resolveWindow(input: {
  organisationId: string;
  explicit: readonly ExplicitWindow[];
  releasedAt: string | null;
  calendar: HolidayCalendar;
  workingDays?: number;
}): AppealWindowView | null {
  const own = input.explicit.find((w) => w.organisationId === input.organisationId);
  const all = input.explicit.find((w) => w.organisationId === null);
  const chosen = own ?? all;
  if (chosen)
    return {
      opensOn: chosen.opensOn,
      closesOn: chosen.closesOn,
      source: own ? "organisation" : "installation",
      workingDays: null,
      unknownHolidayYears: [],
    };
  if (!input.releasedAt) return null;
  return defaultWindow(input.releasedAt, input.calendar, input.workingDays ?? DEFAULT_APPEAL_WORKING_DAYS);
}

export interface WindowPhase {
  phase: "before" | "open" | "closed";
  /** Working days left including today (0 once closed); for "before", the window's own working days. */
  workingDaysLeft: number;
}

export function windowPhase(w: Pick<AppealWindowView, "opensOn" | "closesOn">, today: IsoDate, cal: HolidayCalendar): WindowPhase {
  if (today < w.opensOn) return { phase: "before", workingDaysLeft: workingDaysBetween(w.opensOn, w.closesOn, cal) };
  if (today > w.closesOn) return { phase: "closed", workingDaysLeft: 0 };
  return { phase: "open", workingDaysLeft: workingDaysBetween(today, w.closesOn, cal) };
}
