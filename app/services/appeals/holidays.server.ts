import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { calendarOfFiles, parseHolidayFile, type HolidayFile } from "~/domain/appeal/holidays";
import type { HolidayCalendar } from "~/domain/appeal/window";

/*
 * The holidays of content/holidays/*.yaml (one file per year, with its source), validated with Zod and
 * read once per process, like the instruments. Relative to CERMIN_ROOT (the CLI sets it) or the working
 * directory. A missing folder is no holidays at all (every year unknown), never a crash.
 */
export const DEFAULT_HOLIDAYS_DIR = "content/holidays";

let cache: { dir: string; files: HolidayFile[]; calendar: HolidayCalendar } | null = null;

function load(dir: string) {
  const root = path.resolve(process.env.CERMIN_ROOT ?? process.cwd(), dir);
  if (cache?.dir === root) return cache;
  let names: string[] = [];
  try {
    names = readdirSync(root).filter((f) => /^\d{4}\.yaml$/.test(f));
  } catch {
    names = [];
  }
  const files = names.sort().map((f) => parseHolidayFile(parseYaml(readFileSync(path.join(root, f), "utf8")), `${dir}/${f}`));
  cache = { dir: root, files, calendar: calendarOfFiles(files) };
  return cache;
}

export function holidayFiles(dir: string = DEFAULT_HOLIDAYS_DIR): HolidayFile[] {
  return load(dir).files;
}

export function holidays(dir: string = DEFAULT_HOLIDAYS_DIR): HolidayCalendar {
  return load(dir).calendar;
}
