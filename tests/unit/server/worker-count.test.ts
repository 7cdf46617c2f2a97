import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_WORKERS, workerCount } from "~/cli/start";

describe("how many server processes cermin start runs", () => {
  it("one per CPU by default, at most DEFAULT_MAX_WORKERS, at least one", () => {
    expect(workerCount({}, 1)).toBe(1);
    expect(workerCount({}, 2)).toBe(2);
    expect(workerCount({}, 32)).toBe(DEFAULT_MAX_WORKERS);
    expect(workerCount({ DATABASE_URL: "postgres://db/cermin" }, 3)).toBe(3);
  });

  it("CERMIN_WORKERS, else WEB_CONCURRENCY, sets the count", () => {
    expect(workerCount({ CERMIN_WORKERS: "1" }, 8)).toBe(1);
    expect(workerCount({ CERMIN_WORKERS: " 6 " }, 2)).toBe(6);
    expect(workerCount({ WEB_CONCURRENCY: "3" }, 8)).toBe(3);
    expect(workerCount({ CERMIN_WORKERS: "2", WEB_CONCURRENCY: "5" }, 8)).toBe(2);
    expect(workerCount({ CERMIN_WORKERS: "" }, 2)).toBe(2);
  });

  it("refuses a count that is not a whole number from 1 to 64, naming the variable", () => {
    for (const bad of ["0", "-1", "1.5", "two", "65"]) {
      expect(() => workerCount({ CERMIN_WORKERS: bad }, 2)).toThrow(/CERMIN_WORKERS must be a whole number from 1 to 64/);
    }
    expect(() => workerCount({ WEB_CONCURRENCY: "x" }, 2)).toThrow(/WEB_CONCURRENCY/);
  });

  it("an in-memory SQLite database lives in one process: one worker, and more is refused", () => {
    expect(workerCount({ DATABASE_URL: "sqlite::memory:" }, 8)).toBe(1);
    expect(() => workerCount({ DATABASE_URL: "sqlite::memory:", CERMIN_WORKERS: "2" }, 8)).toThrow(/in-memory SQLite/);
  });
});
