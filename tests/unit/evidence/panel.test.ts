import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { expect, test } from "vitest";
import { EvidencePanel, type EvidencePanelProps } from "~/components/evidence-panel";
import { withEvidenceNotice, type EvidenceView } from "~/services/evidence/rules";

const view = (over: Partial<EvidenceView>): EvidenceView => ({
  id: "e1",
  kind: "file",
  name: "SK Tim ZI.pdf",
  mime: "application/pdf",
  size: 1536000,
  url: null,
  sha256: "a".repeat(64),
  evidenceDate: "2025-03-01",
  uploadedBy: "Budi",
  createdAt: "2025-03-02T03:00:00.000Z",
  itemIds: ["A.I.1.i.a", "A.II.1.i.a"],
  ...over,
});

async function render(props: Partial<EvidencePanelProps>, url = "/assessments/a1/areas/A.I.1") {
  const panel = createElement(EvidencePanel, {
    assessmentId: "a1",
    itemId: "A.I.1.i.a",
    evidence: [],
    otherEvidence: [],
    hints: [],
    canEdit: false,
    redirectTo: "/assessments/a1/areas/A.I.1#item-A.I.1.i.a",
    ...props,
  });
  const routes = [{ path: "*", element: panel }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request(`http://localhost${url}`));
  if (context instanceof Response) throw new Error("unexpected redirect");
  return renderToString(createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context }));
}

test("lists files with the authorised download route and links as safe anchors", async () => {
  const html = await render({
    evidence: [
      view({}),
      view({ id: "e2", kind: "link", name: "JDIH", url: "https://jdih.example.go.id/sk", mime: null, size: null, sha256: null }),
    ],
  });
  expect(html).toContain('href="/evidence/e1/download"');
  expect(html).toContain("1,5 MB");
  expect(html).toContain('href="https://jdih.example.go.id/sk" target="_blank" rel="noopener noreferrer"');
  expect(html).not.toContain("<form");
});

test("a link that is not http(s) is never rendered as an anchor", async () => {
  const html = await render({
    evidence: [view({ id: "e3", kind: "link", name: "jahat", url: "javascript:alert(1)", mime: null, size: null })],
  });
  expect(html).not.toContain("javascript:");
  expect(html).toContain("jahat");
});

test("editors get plain multipart forms that post to the evidence route with the way back", async () => {
  const html = await render({
    canEdit: true,
    evidence: [view({})],
    otherEvidence: [view({ id: "e9", name: "Renstra.pdf", itemIds: ["B.I.1.a"] })],
    maxBytes: 25 * 1024 * 1024,
  });
  // HTML attribute names are case-insensitive: React writes encType, browsers read enctype.
  expect(html).toMatch(/<form method="post" action="\/assessments\/a1\/evidence" enctype="multipart\/form-data"/i);
  expect(html).toContain('type="file" name="file" multiple=""');
  for (const intent of ["upload", "link", "attach", "detach"]) expect(html).toContain(`name="intent" value="${intent}"`);
  expect(html).toContain('name="redirectTo" value="/assessments/a1/areas/A.I.1#item-A.I.1.i.a"');
  expect(html).toContain('value="e9"');
  expect(html).toContain('id="ev-A.I.1.i.a-limits"');
});

test("a refusal carried back in the query is shown on its own item only", async () => {
  const url = "/assessments/a1/areas/A.I.1?ev.error=evidence.markup&ev.item=A.I.1.i.a&ev.p.name=logo.svg";
  expect(await render({}, url)).toContain('role="alert"');
  expect(await render({ itemId: "A.I.1.i.b" }, url)).not.toContain('role="alert"');
});

test("a notice carried back in the query (the file was already there) reads as a status on its own item (#27)", async () => {
  const back = withEvidenceNotice("/assessments/a1/areas/A.I.1#item-A.I.1.i.a", "A.I.1.i.a", {
    key: "evidence.alreadyAttached",
    params: { file: "salinan.pdf", name: "SK Tim ZI.pdf" },
  });
  const html = await render({ evidence: [view({})] }, back);
  expect(html).toContain('role="status"');
  expect(html).toContain("“salinan.pdf”: berkas ini sudah dilampirkan pada butir ini sebagai “SK Tim ZI.pdf”; tidak ditambahkan lagi.");
  expect(html).not.toContain('role="alert"');
  expect(await render({ itemId: "A.I.1.i.b" }, back)).not.toContain("sudah dilampirkan");
});
