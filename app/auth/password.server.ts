import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

// Algorithm is an ambient const enum (unusable under isolatedModules); 2 = Argon2id.
const ARGON2ID = 2;
// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** Verifies; with no stored hash it still spends the same time, so timing does not reveal which emails exist. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword("cermin-dummy-password");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

export const NewPasswordSchema = z
  .object({
    password: z.string({ required_error: "error.required" }).min(10, "password.tooShort").max(200, "password.tooLong"),
    confirm: z.string({ required_error: "error.required" }).min(1, "error.required"),
  })
  .refine((v) => v.password === v.confirm, { message: "password.mismatch", path: ["confirm"] });
