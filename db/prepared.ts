import { type CompiledQuery, type Compilable, type Kysely, type QueryResult } from "kysely";
import { isPostgresAdapter } from "./dialect";
import { preferNamed } from "./pg-named";

/** Stands for argument `index` while a prepared query is built; becomes its value when it runs. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A query built with Kysely's query builder once per database, then run with new argument values.
 *
 * Building and compiling a query costs more than SQLite takes to run a point query (on the autosave
 * path the builder was ~17 % of a save's server time). `build` is called once, with placeholders in
 * place of the arguments; the compiled SQL is kept, and each call substitutes the argument values for
 * the placeholders among the query's parameters.
 *
 * So the query's shape must not depend on the argument values: `build` may only pass the arguments
 * where a single value goes (`where(col, "=", arg)`, `set({ col: arg })`, `values({ col: arg })`),
 * never branch on them, spread them, or pass arrays (`in` lists change shape with their length).
 * Preparing fails when an argument does not end up as a query parameter.
 */
export function prepared<DB, A extends unknown[], R>(
  build: (db: Kysely<DB>, ...args: A) => Compilable<R>,
): (db: Kysely<DB>, ...args: A) => Promise<QueryResult<R>> {
  // Keyed by the Kysely instance's adapter, which its transactions share (the SQL text depends on
  // the dialect).
  const compiled = new WeakMap<object, CompiledQuery<R>>();
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let query = compiled.get(adapter);
    if (!query) {
      const slots = args.map((_, i) => new Slot(i));
      query = build(db, ...(slots as unknown as A)).compile();
      const params = query.parameters;
      const counts = slots.map((s) => params.filter((p) => p === s).length);
      if (counts.includes(0)) {
        throw new Error(`prepared query: every argument must become a query parameter (uses per argument: ${counts.join(", ")}): ${query.sql}`);
      }
      // On PostgreSQL the same text also becomes a server-side prepared statement (see pg-named.ts).
      if (isPostgresAdapter(adapter)) preferNamed(query.sql);
      compiled.set(adapter, query);
    }
    const parameters = query.parameters.map((p) => (p instanceof Slot ? args[p.index] : p));
    return db.executeQuery<R>({ ...query, parameters });
  };
}
