import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "#db/client.server";

/** SESSION_SECRET from the environment, else DATA_DIR/session-secret (created with mode 0600 on first use). */
export function getSessionSecret(): string {
  const fromEnv = process.env.SESSION_SECRET;
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir(), "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = crypto.randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      return fs.readFileSync(file, "utf8").trim();
    }
  }
}
