import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteError,
} from "@remix-run/react";
import { getOptionalUser } from "~/auth/require.server";
import { rolesOf } from "~/auth/permissions";
import { menuFor } from "~/components/menu";
import { getDb } from "~/db.server";
import { unreadCount } from "~/services/notifications/inbox.server";
import { DEFAULT_LOCALE, translateMaybe, translator, type MessageKey } from "~/i18n";
import { titleText } from "~/i18n/page-title";
import { getLocale } from "~/i18n/locale.server";
import { useLocale, useT } from "~/i18n/use-t";
import { useNonce } from "~/utils/nonce";
import stylesUrl from "~/styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesUrl },
  { rel: "icon", href: "data:," },
];

/**
 * The title of a page without its own (none left, issue #28) and of the error page: the error in the
 * reader's language. Each route's `meta` names its page (app/i18n/page-title.ts).
 */
export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  const t = translator(data?.locale ?? DEFAULT_LOCALE);
  if (!error) return [{ title: t("app.name") }];
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key: MessageKey = status === 404 ? "title.notFound" : status === 403 ? "title.forbidden" : "title.error";
  return [{ title: titleText(t, t(key)) }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const locale = await getLocale(request, user);
  return {
    locale,
    user: user
      ? { name: user.name, email: user.email, roles: rolesOf(user), menu: menuFor(user), unread: await unreadCount(getDb(), user.id) }
      : null,
  };
}

function Shell({ children }: { children: React.ReactNode }) {
  const locale = useLocale();
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function LanguageSwitch() {
  const locale = useLocale();
  const t = useT();
  const location = useLocation();
  const other = locale === "id" ? "en" : "id";
  return (
    <Form method="post" action="/language" className="inline-form">
      <input type="hidden" name="locale" value={other} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" className="link-button" lang={other} data-testid="language-switch">
        {t("lang.switchTo")}
      </button>
    </Form>
  );
}

function Header() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <Link to="/" className="brand">
        {t("app.name")}
      </Link>
      {data.user ? (
        <nav aria-label="Menu" className="main-nav">
          <ul data-testid="main-menu">
            {data.user.menu.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === "/"}>
                  {t(item.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <div className="header-tools">
        {data.user ? (
          <span className="who" data-testid="current-user">
            {data.user.name} · {data.user.roles.map((r) => t(`role.${r}` as MessageKey)).join(", ")}
          </span>
        ) : null}
        {data.user ? (
          <Link to="/inbox" className="bell" data-testid="inbox-bell" aria-label={t("notify.bellUnread", { count: data.user.unread })}>
            <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
              <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
              <path d="M13.73 21a2 2 0 0 1-3.46 0" />
            </svg>
            {data.user.unread > 0 ? <span className="bell-count" data-testid="inbox-count">{data.user.unread > 99 ? "99+" : data.user.unread}</span> : null}
          </Link>
        ) : null}
        <LanguageSwitch />
        {data.user ? (
          <Form method="post" action="/logout" className="inline-form">
            <button type="submit" className="link-button" data-testid="logout">
              {t("nav.logout")}
            </button>
          </Form>
        ) : null}
      </div>
    </header>
  );
}

/** The footer: the accessibility statement, and where the installation's public signing key is published (receipts are checked against it). */
function SiteFooter() {
  const t = useT();
  return (
    <footer className="site-footer no-print">
      <ul>
        <li>
          <Link to="/about/accessibility">{t("a11y.footer")}</Link>
        </li>
        <li>
          <Link to="/about">{t("seal.aboutTitle")}</Link>
        </li>
      </ul>
    </footer>
  );
}

export default function App() {
  return (
    <Shell>
      <Header />
      <main id="main" className="main">
        <Outlet />
      </main>
      <SiteFooter />
    </Shell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = translator(useLocale());
  let status = 500;
  let message = t("error.server");
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const raw = typeof error.data === "string" ? error.data : "";
    if (status === 404) message = t("error.notFound");
    else if (status === 403) message = t("error.forbidden");
    // The database is unreachable or restarting (db/unavailable.ts): the answer carries Retry-After.
    else if (status === 503) message = t("error.dbUnavailable");
    else message = raw ? translateMaybe(t, raw) : t("error.badRequest");
  }
  return (
    <Shell>
      <main id="main" className="main">
        <h1>
          {t("error.title")} ({status})
        </h1>
        <p role="alert">{message}</p>
        <p>
          <a href="/">{t("error.backHome")}</a>
        </p>
      </main>
      <SiteFooter />
    </Shell>
  );
}
