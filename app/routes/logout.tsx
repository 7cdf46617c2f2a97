import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { logoutResponse } from "~/auth/session.server";
import { getDb } from "~/db.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  return logoutResponse(getDb(), request);
}
