import { expect, test } from "vitest";
import { ACCOUNT_FREE_FAILURES, lockDurationMs, throttleKeys } from "~/auth/throttle.server";
import { safeRedirect } from "~/auth/session.server";

test("no lock before the free failures, then doubling, capped at an hour", () => {
  expect(lockDurationMs(ACCOUNT_FREE_FAILURES - 1, ACCOUNT_FREE_FAILURES)).toBe(0);
  expect(lockDurationMs(5, 5)).toBe(30_000);
  expect(lockDurationMs(6, 5)).toBe(60_000);
  expect(lockDurationMs(7, 5)).toBe(120_000);
  expect(lockDurationMs(40, 5)).toBe(3_600_000);
});

test("accounts are keyed case-insensitively; the (account, client) pair and the client separately (#31)", () => {
  expect(throttleKeys("A@B.id", "1.2.3.4").map((k) => k.key)).toEqual(["account:a@b.id", "pair:a@b.id|1.2.3.4", "ip:1.2.3.4"]);
  expect(throttleKeys("a@b.id", null)).toHaveLength(1);
});

test("safeRedirect keeps local paths only", () => {
  expect(safeRedirect("/admin/users?x=1")).toBe("/admin/users?x=1");
  expect(safeRedirect("//evil.example")).toBe("/");
  expect(safeRedirect("/\\evil.example")).toBe("/");
  expect(safeRedirect("https://evil.example")).toBe("/");
  expect(safeRedirect(null)).toBe("/");
});
