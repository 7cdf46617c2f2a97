import { useLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/use-t";
import { installationKey } from "~/services/seal/keys.server";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("seal.aboutTitle");

/** The installation's public signing key, for checking receipts offline. Public on purpose: it is a public key. */
export async function loader() {
  const key = installationKey();
  return { publicPem: key.publicPem, keyId: key.keyId };
}

export default function About() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <article className="report" data-testid="about">
      <h1>{t("seal.aboutTitle")}</h1>
      <p>{t("seal.aboutIntro")}</p>
      <h2>{t("seal.keyId")}</h2>
      <p>
        <code data-testid="key-id">{d.keyId}</code>
      </p>
      <h2>{t("seal.publicKey")}</h2>
      <pre data-testid="public-key">{d.publicPem}</pre>
    </article>
  );
}
