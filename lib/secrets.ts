import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getEnv } from "@/lib/env";

/**
 * Secrets Pave must keep for a while (a template run's password answers), sealed with
 * AES-256-GCM under PAVE_SECRETS_KEY, so any replica can open them and a copy of the
 * database alone cannot. A sealed value reads `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */

const VERSION = "v1";

function key(): Buffer {
  const configured = getEnv().PAVE_SECRETS_KEY;
  if (!configured) throw new Error("PAVE_SECRETS_KEY is not set; it is needed to keep template secrets between processes.");
  return configured;
}

/** Encrypts a text; every call uses a fresh IV, so equal texts seal differently. */
export function sealSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/** Decrypts what sealSecret made; a tampered value or another key throws. */
export function openSecret(sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("not a sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}
