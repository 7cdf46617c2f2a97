import fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { describe, expect, test } from "vitest";
import { appealRefusal, isAppealableItem, type EligibilityInput } from "~/domain/appeal/eligibility";
import { calendarOfFiles, parseHolidayFile } from "~/domain/appeal/holidays";
import {
  defaultWindow,
  EMPTY_CALENDAR,
  holidayCalendar,
  nthWorkingDayAfter,
  resolveWindow,
  wibDate,
  windowPhase,
  workingDaysBetween,
} from "~/domain/appeal/window";

const files = fs
  .readdirSync("content/holidays")
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => parseHolidayFile(parseYaml(fs.readFileSync(`content/holidays/${f}`, "utf8")), f));
const calendar = calendarOfFiles(files);

describe("the default appeal window", () => {
  // rb-2024 §4.1 (N1): the 2024 provisional results were published on 26 Feb 2025 (a Wednesday) and
  // agencies could appeal "within 10 working days". The release day is day 0 (it does not count): the
  // days are Thu 27, Fri 28 Feb, Mon 3 … Fri 7, Mon 10, Tue 11, Wed 12 March 2025 — no holiday falls in
  // between (Nyepi's cuti bersama is 28 March), so the window closes at the end of 12 March 2025 (WIB).
  test("worked example: released 26 Feb 2025 → 10 working days → 12 March 2025", () => {
    const w = defaultWindow("2025-02-26T03:00:00.000Z", calendar);
    expect(w).toEqual({ opensOn: "2025-02-26", closesOn: "2025-03-12", source: "default", workingDays: 10, unknownHolidayYears: [] });
    // On Friday 7 March four working days are left: 7, 10, 11, 12 March.
    expect(windowPhase(w, "2025-03-07", calendar)).toEqual({ phase: "open", workingDaysLeft: 4 });
    expect(windowPhase(w, "2025-03-12", calendar)).toEqual({ phase: "open", workingDaysLeft: 1 });
    expect(windowPhase(w, "2025-03-13", calendar)).toEqual({ phase: "closed", workingDaysLeft: 0 });
    expect(windowPhase(w, "2025-02-25", calendar).phase).toBe("before");
  });

  test("the release day is a WIB date: 20:00 UTC on the 25th is already the 26th in Jakarta", () => {
    expect(wibDate("2025-02-25T17:00:00.000Z")).toBe("2025-02-26");
    expect(wibDate("2025-02-25T16:59:59.999Z")).toBe("2025-02-25");
    expect(defaultWindow("2025-02-25T18:00:00.000Z", calendar).closesOn).toBe("2025-03-12");
  });

  test("holidays and cuti bersama are skipped (Idulfitri 2025: 31 Mar – 7 Apr)", () => {
    // Released Tue 25 March 2025: 26, 27 (2), 28 cuti Nyepi, 31 Mar–1 Apr Idulfitri, 2–4, 7 Apr cuti,
    // then 8, 9, 10, 11 (6), 14, 15, 16, 17 (10).
    expect(nthWorkingDayAfter("2025-03-25", 10, calendar)).toEqual({ date: "2025-04-17", unknownYears: [] });
    // Without the holiday data only weekends are skipped, and the years are named.
    expect(nthWorkingDayAfter("2025-03-25", 10, EMPTY_CALENDAR)).toEqual({ date: "2025-04-08", unknownYears: [2025] });
  });

  test("a window crossing into a year without holiday data says so", () => {
    const w = defaultWindow("2026-12-28T02:00:00.000Z", calendar);
    expect(w.unknownHolidayYears).toEqual([2027]);
    expect(w.closesOn).toBe("2027-01-11");
  });

  test("working days between two dates, both inclusive", () => {
    expect(workingDaysBetween("2025-03-07", "2025-03-12", calendar)).toBe(4);
    expect(workingDaysBetween("2025-03-12", "2025-03-07", calendar)).toBe(0);
    expect(workingDaysBetween("2026-12-24", "2026-12-28", calendar)).toBe(1);
  });

  test("an explicit window replaces the default; the organisation's wins over the installation's", () => {
    const explicit = [
      { organisationId: null, opensOn: "2025-03-01", closesOn: "2025-03-20" },
      { organisationId: "org-a", opensOn: "2025-03-05", closesOn: "2025-03-31" },
    ];
    const base = { releasedAt: "2025-02-26T03:00:00.000Z", calendar: holidayCalendar([]) };
    expect(resolveWindow({ ...base, organisationId: "org-a", explicit })).toMatchObject({ closesOn: "2025-03-31", source: "organisation" });
    expect(resolveWindow({ ...base, organisationId: "org-b", explicit })).toMatchObject({ closesOn: "2025-03-20", source: "installation" });
    expect(resolveWindow({ ...base, organisationId: "org-b", explicit: [] })).toMatchObject({ closesOn: "2025-03-12", source: "default" });
    expect(resolveWindow({ ...base, releasedAt: null, organisationId: "org-b", explicit: [] })).toBeNull();
  });
});

describe("holiday files", () => {
  test("every file validates, names a source, and its days lie in its year", () => {
    expect(files.map((f) => f.year)).toEqual([2025, 2026]);
    for (const f of files) {
      expect(f.sources.length).toBeGreaterThan(0);
      expect(f.days.every((d) => d.date.startsWith(String(f.year)))).toBe(true);
    }
    // 2025: 17 national holidays on 16 entries (Idulfitri two days) + 10 cuti bersama + 18 Aug (amendment).
    const y2025 = files.find((f) => f.year === 2025)!;
    expect(y2025.days.filter((d) => d.kind === "cuti_bersama")).toHaveLength(11);
    expect(files.find((f) => f.year === 2026)!.days.filter((d) => d.kind === "cuti_bersama")).toHaveLength(8);
  });

  test("a malformed file is refused naming the field", () => {
    expect(() =>
      parseHolidayFile(
        { year: 2025, sources: [{ title: "x" }], days: [{ date: "2024-12-31", kind: "libur_nasional", name: "x" }] },
        "bad.yaml",
      ),
    ).toThrow(/bad\.yaml: days\.0\.date: 2024-12-31 is not in 2025/);
    expect(() => parseHolidayFile({ year: 2025, sources: [], days: [] }, "empty.yaml")).toThrow(/empty\.yaml: sources/);
    expect(() =>
      parseHolidayFile(
        { year: 2025, sources: [{ title: "x" }], days: [{ date: "2025-02-30", kind: "libur_nasional", name: "x" }] },
        "d.yaml",
      ),
    ).toThrow(/not a date/);
  });
});

describe("eligibility", () => {
  const ok: EligibilityInput = {
    ownTeam: true,
    appealable: true,
    released: true,
    hasEvaluatorValue: true,
    openAppeal: false,
    window: { opensOn: "2025-02-26", closesOn: "2025-03-12" },
    today: "2025-03-07",
  };
  test("an eligible row has no refusal; each condition has its own key", () => {
    expect(appealRefusal(ok)).toBeNull();
    expect(appealRefusal({ ...ok, ownTeam: false })).toBe("appeal.refused.notOwnOrganisation");
    expect(appealRefusal({ ...ok, appealable: false })).toBe("appeal.refused.notAppealable");
    expect(appealRefusal({ ...ok, released: false })).toBe("appeal.refused.notReleased");
    expect(appealRefusal({ ...ok, hasEvaluatorValue: false })).toBe("appeal.refused.noEvaluatorValue");
    expect(appealRefusal({ ...ok, openAppeal: true })).toBe("appeal.refused.alreadyOpen");
    expect(appealRefusal({ ...ok, window: null })).toBe("appeal.refused.noWindow");
    expect(appealRefusal({ ...ok, today: "2025-02-25" })).toBe("appeal.refused.notYetOpen");
    expect(appealRefusal({ ...ok, today: "2025-03-13" })).toBe("appeal.refused.windowClosed");
    expect(appealRefusal({ ...ok, today: "2025-03-12" })).toBeNull();
  });
  test("rows computed from the Rencana Aksi are not appealable", () => {
    expect(isAppealableItem({ computed_from: "renaksi_strategi" })).toBe(false);
    expect(isAppealableItem({ computed_from: undefined })).toBe(true);
    expect(isAppealableItem(undefined)).toBe(false);
  });
});
