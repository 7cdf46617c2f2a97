import { notFound } from "~/auth/require.server";

/*
 * Any path no other route matches. Without this route Remix answers an unknown path with the root
 * error page but without running the root loader, so the page was always Indonesian; a 404 thrown
 * here lets the root loader read the reader's language first (issue #27).
 */
export function loader(): never {
  throw notFound();
}

/** Never rendered (the loader always throws); a page route, so the root error page answers. */
export default function NotFound() {
  return null;
}
