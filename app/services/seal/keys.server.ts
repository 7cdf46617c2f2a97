import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "#db/client.server";

/*
 * The installation's Ed25519 signing key (issue #14): generated into DATA_DIR/seal/ on first use
 * (private key readable by the owner only), the public key shown on the about page and printed on
 * receipts by its fingerprint. Every app server of one installation must share the key directory
 * (SEAL_KEY_DIR, default DATA_DIR/seal): a seal signed by one is verified by all.
 */

export interface SealKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key (what `cermin verify --public-key` takes). */
  publicPem: string;
  /** sha256 of the public key's DER, hex: the key id printed on receipts. */
  keyId: string;
}

/** SEAL_KEY_DIR (a directory every app server of the installation mounts), else DATA_DIR/seal. */
function keyDir(): string {
  return path.resolve(process.env.SEAL_KEY_DIR || path.join(dataDir(), "seal"));
}

const cache = new Map<string, SealKey>();

function fromPrivatePem(pem: string): SealKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return describe(privateKey, publicKey);
}

function describe(privateKey: KeyObject, publicKey: KeyObject): SealKey {
  const der = publicKey.export({ type: "spki", format: "der" });
  return {
    privateKey,
    publicKey,
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    keyId: createHash("sha256").update(der).digest("hex"),
  };
}

/**
 * The installation key, created on first call. Creation is atomic (write to a temporary file, then a
 * hard link that fails if another process got there first), so two workers starting together end up
 * with the same key.
 */
export function installationKey(): SealKey {
  const dir = keyDir();
  const hit = cache.get(dir);
  if (hit) return hit;
  const file = path.join(dir, "ed25519-private.pem");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ed25519");
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const key = fromPrivatePem(fs.readFileSync(file, "utf8"));
  fs.writeFileSync(path.join(dir, "ed25519-public.pem"), key.publicPem, { mode: 0o644 });
  cache.set(dir, key);
  return key;
}

/** Signs text (UTF-8) with the installation key: base64 Ed25519 signature. */
export function signText(key: SealKey, text: string): string {
  return sign(null, Buffer.from(text, "utf8"), key.privateKey).toString("base64");
}

/**
 * A public key as given to `cermin verify --public-key`: SPKI PEM text, a path to a PEM file, or the
 * base64 of the SPKI DER. Null when it is none of these.
 */
export function parsePublicKey(input: string): KeyObject | null {
  const attempt = (f: () => KeyObject): KeyObject | null => {
    try {
      return f();
    } catch {
      return null;
    }
  };
  const text = input.includes("BEGIN PUBLIC KEY") ? input : fs.existsSync(input) ? fs.readFileSync(input, "utf8") : null;
  if (text !== null) return attempt(() => createPublicKey(text));
  return attempt(() => createPublicKey({ key: Buffer.from(input, "base64"), format: "der", type: "spki" }));
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex");
}

/** Whether `signature` (base64) is the key's Ed25519 signature of `text`. */
export function verifyText(publicKey: KeyObject, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text, "utf8"), publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** Forgets the cached key (tests that switch DATA_DIR). */
export function clearKeyCache(): void {
  cache.clear();
}
