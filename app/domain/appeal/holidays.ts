import { z } from "zod";
import { holidayCalendar, isIsoDate, type HolidayCalendar } from "./window";

/*
 * Indonesian national holidays (libur nasional) and joint leave days (cuti bersama) as data: one YAML file
 * per year in content/holidays, each naming its source (the SKB of the Minister of Religious Affairs, the
 * Minister of Manpower and the Minister of PANRB, and any amendment). A year without a file is unknown:
 * the default appeal window then skips weekends only and says so, and an administrator can set an
 * explicit window instead. Pure: the service reads the files.
 */

const DateString = z.string().refine(isIsoDate, "not a date (YYYY-MM-DD)");

export const HolidayFileSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    sources: z.array(z.object({ title: z.string().min(1), url: z.string().url().optional(), note: z.string().optional() }).strict()).min(1),
    days: z
      .array(
        z
          .object({
            date: DateString,
            kind: z.enum(["libur_nasional", "cuti_bersama"]),
            name: z.string().min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.days.forEach((d, i) => {
      if (!d.date.startsWith(`${f.year}-`))
        ctx.addIssue({ code: "custom", path: ["days", i, "date"], message: `${d.date} is not in ${f.year}` });
      const key = `${d.date}:${d.kind}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["days", i, "date"], message: `${d.date} (${d.kind}) is listed twice` });
      seen.add(key);
    });
  });
export type HolidayFile = z.infer<typeof HolidayFileSchema>;

/** Parses one file's data (already read from YAML); throws naming the file and the field. */
export function parseHolidayFile(data: unknown, name: string): HolidayFile {
  const r = HolidayFileSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${name}: ${issue.path.join(".") || "(file)"}: ${issue.message}`);
  }
  return r.data;
}

export function calendarOfFiles(files: readonly HolidayFile[]): HolidayCalendar {
  const years = new Set<number>();
  for (const f of files) {
    if (years.has(f.year)) throw new Error(`holidays: year ${f.year} is given twice`);
    years.add(f.year);
  }
  return holidayCalendar(files.map((f) => ({ year: f.year, dates: f.days.map((d) => d.date) })));
}
